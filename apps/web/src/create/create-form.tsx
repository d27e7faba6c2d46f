'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useMemo, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { Banner } from '~/ui/banner';
import { CopyButton } from '~/ui/copy-button';
import { coveRunCommand } from './cove-run-command';
import styles from './create-form.module.css';
import { Field } from './field';
import {
  type CreateFormValues,
  type ErrorField,
  type FieldErrors,
  initialFormValues,
  type TextField,
} from './form-values';
import { ImageField } from './image-field';
import { NetworkSection } from './network-section';
import { SecuritySection } from './security-section';
import { serverErrorFields } from './server-errors';
import { specFromForm } from './spec-from-form';

/** The order errors are visited in: the first invalid field gets the focus on submit. */
const fieldOrder: ErrorField[] = [
  'image',
  'name',
  'hostname',
  'memory',
  'memorySwap',
  'pids',
  'cpus',
  'cpuShares',
  'command',
  'workdir',
  'user',
  'env',
  'volumes',
  'capAdd',
  'capDrop',
  'tmpfs',
  'devices',
  'oomScoreAdj',
  'networkContainer',
  'networkIp',
  'networkAliases',
  'ports',
  'restart',
  'restartRetries',
];

const memoryPresets = ['64m', '256m', '1g'];

export function CreateForm({ initialImage }: { initialImage: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const images = useQuery(trpc.images.list.queryOptions());
  const [values, setValues] = useState<CreateFormValues>(() => ({
    ...initialFormValues,
    image: initialImage ?? initialFormValues.image,
  }));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});

  const result = useMemo(() => specFromForm(values), [values]);
  const command = useMemo(() => coveRunCommand(values), [values]);

  const create = useMutation(
    trpc.containers.create.mutationOptions({
      onSuccess: (record) => {
        const tab = values.openTerminal && values.start ? '&tab=terminal' : '';
        router.push(`/container?id=${record.id}${tab}`);
      },
      onError: (error) => setServerErrors(serverErrorFields(error)),
    }),
  );

  const errorFor = (field: ErrorField): string | undefined =>
    serverErrors[field] ?? (submitted || touched.has(field) ? result.errors[field] : undefined);

  const set = <K extends keyof CreateFormValues>(field: K, value: CreateFormValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setServerErrors(({ [field as ErrorField]: _cleared, form: _form, ...rest }) => rest);
  };
  const touch = (field: ErrorField) => setTouched((current) => new Set(current).add(field));

  const text = (field: TextField) => ({
    value: values[field],
    onChange: (event: { target: { value: string } }) => set(field, event.target.value),
    onBlur: () => touch(field),
  });

  const sectionProps = { values, set, text, errorFor, touch };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setServerErrors({});
    if (!result.ok) {
      const first = fieldOrder.find((field) => result.errors[field]);
      if (first) document.getElementById(first)?.focus();
      return;
    }
    create.mutate({ spec: result.spec, start: values.start });
  };

  const invalidCount = submitted ? Object.keys(result.errors).length : 0;

  return (
    <form className={styles.layout} onSubmit={submit} noValidate data-testid="create-form">
      <div className={styles.sections}>
        {serverErrors.form ? (
          <Banner
            tone="danger"
            title="The agent could not create the container"
            testId="create-error"
          >
            {serverErrors.form}
          </Banner>
        ) : null}

        <section className="card" aria-labelledby="section-image">
          <div className="card-header">
            <h2 id="section-image">Image and name</h2>
          </div>
          <div className={styles.grid}>
            <ImageField
              value={values.image}
              onChange={(value) => set('image', value)}
              onBlur={() => touch('image')}
              error={errorFor('image')}
              images={images.data}
            />
            <Field id="name" label="Name" hint="Optional: Cove picks one." error={errorFor('name')}>
              {(described) => (
                <input
                  {...described}
                  {...text('name')}
                  className="input"
                  placeholder="web"
                  autoComplete="off"
                  spellCheck={false}
                  data-testid="create-name"
                />
              )}
            </Field>
            <Field
              id="hostname"
              label="Hostname"
              hint="Defaults to the short id."
              error={errorFor('hostname')}
            >
              {(described) => (
                <input
                  {...described}
                  {...text('hostname')}
                  className="input"
                  autoComplete="off"
                  spellCheck={false}
                  data-testid="create-hostname"
                />
              )}
            </Field>
          </div>
        </section>

        <section className="card" aria-labelledby="section-limits">
          <div className="card-header">
            <h2 id="section-limits">Limits</h2>
            <span className="muted">Empty means no limit. Sizes take 64m, 1g or bytes.</span>
          </div>
          <div className={styles.grid}>
            <Field
              id="memory"
              label="Memory"
              hint={
                <span className={styles.presets}>
                  memory.max: the kernel’s OOM killer acts above it.
                  {memoryPresets.map((preset) => (
                    <button
                      key={preset}
                      type="button"
                      className="button button-small"
                      onClick={() => set('memory', preset)}
                    >
                      {preset}
                    </button>
                  ))}
                </span>
              }
              error={errorFor('memory')}
            >
              {(described) => (
                <input
                  {...described}
                  {...text('memory')}
                  className="input mono"
                  placeholder="64m"
                  spellCheck={false}
                  data-testid="create-memory"
                />
              )}
            </Field>
            <Field
              id="memorySwap"
              label="Memory + swap"
              hint="Memory plus swap, as Docker’s --memory-swap."
              error={errorFor('memorySwap')}
            >
              {(described) => (
                <input
                  {...described}
                  {...text('memorySwap')}
                  className="input mono"
                  placeholder="128m"
                  spellCheck={false}
                  data-testid="create-memory-swap"
                />
              )}
            </Field>
            <Field
              id="pids"
              label="Processes"
              hint="pids.max: fork fails above it."
              error={errorFor('pids')}
            >
              {(described) => (
                <input
                  {...described}
                  {...text('pids')}
                  className="input mono"
                  inputMode="numeric"
                  placeholder="64"
                  data-testid="create-pids"
                />
              )}
            </Field>
            <Field id="cpus" label="CPUs" hint="0.5 is half of one core." error={errorFor('cpus')}>
              {(described) => (
                <input
                  {...described}
                  {...text('cpus')}
                  className="input mono"
                  inputMode="decimal"
                  placeholder="1.5"
                  data-testid="create-cpus"
                />
              )}
            </Field>
            <Field
              id="cpuShares"
              label="CPU shares"
              hint="Relative weight under contention; 1024 is the default."
              error={errorFor('cpuShares')}
            >
              {(described) => (
                <input
                  {...described}
                  {...text('cpuShares')}
                  className="input mono"
                  inputMode="numeric"
                  placeholder="1024"
                  data-testid="create-cpu-shares"
                />
              )}
            </Field>
          </div>
        </section>

        <section className="card" aria-labelledby="section-process">
          <div className="card-header">
            <h2 id="section-process">Process</h2>
          </div>
          <div className={styles.grid}>
            <Field
              id="command"
              label="Command"
              wide
              hint={
                <>
                  Empty runs the image’s default. Quote like a shell:{' '}
                  <code>sh -c 'sleep 1; top'</code>
                </>
              }
              error={errorFor('command')}
            >
              {(described) => (
                <input
                  {...described}
                  {...text('command')}
                  className="input mono"
                  placeholder="sh"
                  autoComplete="off"
                  spellCheck={false}
                  data-testid="create-command"
                />
              )}
            </Field>
            <Field
              id="workdir"
              label="Working directory"
              hint="An absolute path in the container."
              error={errorFor('workdir')}
            >
              {(described) => (
                <input
                  {...described}
                  {...text('workdir')}
                  className="input mono"
                  placeholder="/"
                  spellCheck={false}
                  data-testid="create-workdir"
                />
              )}
            </Field>
            <Field
              id="user"
              label="User"
              hint="UID[:GID] or NAME[:GROUP]."
              error={errorFor('user')}
            >
              {(described) => (
                <input
                  {...described}
                  {...text('user')}
                  className="input mono"
                  placeholder="root"
                  spellCheck={false}
                  data-testid="create-user"
                />
              )}
            </Field>
            <Field
              id="env"
              label="Environment"
              hint="One KEY=VALUE per line."
              error={errorFor('env')}
            >
              {(described) => (
                <textarea
                  {...described}
                  {...text('env')}
                  className="textarea"
                  rows={3}
                  placeholder="MODE=demo"
                  spellCheck={false}
                  data-testid="create-env"
                />
              )}
            </Field>
            <Field
              id="volumes"
              label="Volumes"
              hint="One /host/path:/container/path[:ro] per line, or NAME:/container/path[:ro] for a named volume (made on first use; see Volumes)."
              error={errorFor('volumes')}
            >
              {(described) => (
                <textarea
                  {...described}
                  {...text('volumes')}
                  className="textarea"
                  rows={3}
                  placeholder="/srv/data:/data:ro"
                  spellCheck={false}
                  data-testid="create-volumes"
                />
              )}
            </Field>
            <div className={`${styles.switches} ${styles.wide}`}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={values.tty}
                  onChange={(event) => set('tty', event.target.checked)}
                />
                Give the command a terminal (<code>-t</code>), to attach to it later
              </label>
            </div>
          </div>
        </section>

        <NetworkSection {...sectionProps} />

        <SecuritySection {...sectionProps} />

        <section className="card" aria-labelledby="section-lifecycle">
          <div className="card-header">
            <h2 id="section-lifecycle">Lifecycle</h2>
          </div>
          <div className={styles.grid}>
            <Field
              id="restart"
              label="Restart policy"
              hint="What the agent does when the command exits."
              error={errorFor('restart')}
            >
              {(described) => (
                <select
                  {...described}
                  className="select"
                  value={values.restart}
                  onChange={(event) =>
                    set('restart', event.target.value as CreateFormValues['restart'])
                  }
                  data-testid="create-restart"
                >
                  <option value="no">Never restart</option>
                  <option value="on-failure">On failure (non-zero exit)</option>
                  <option value="always">Always</option>
                </select>
              )}
            </Field>
            {values.restart === 'on-failure' ? (
              <Field
                id="restartRetries"
                label="Most retries"
                hint="Empty retries without end."
                error={errorFor('restartRetries')}
              >
                {(described) => (
                  <input
                    {...described}
                    {...text('restartRetries')}
                    className="input mono"
                    inputMode="numeric"
                    placeholder="5"
                  />
                )}
              </Field>
            ) : (
              <div />
            )}
            <div className={`${styles.switches} ${styles.wide}`}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={values.start}
                  onChange={(event) => set('start', event.target.checked)}
                  data-testid="create-start"
                />
                Start it now
              </label>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={values.openTerminal}
                  disabled={!values.start}
                  onChange={(event) => set('openTerminal', event.target.checked)}
                  data-testid="create-open-terminal"
                />
                Open a terminal after start
              </label>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={values.autoRemove}
                  onChange={(event) => set('autoRemove', event.target.checked)}
                />
                Remove it when it exits (<code>--rm</code>)
              </label>
            </div>
          </div>
        </section>
      </div>

      <aside className={styles.aside}>
        <div className="card">
          <div className="card-header">
            <h2>Command line</h2>
            <CopyButton text={command} label="Copy the cove run command" />
          </div>
          <pre className={styles.command} data-testid="cove-run-command">
            {command}
          </pre>
          <p className={styles.commandHint}>The same container from a shell on the host.</p>
        </div>
        <div className={styles.submit}>
          {invalidCount > 0 ? (
            <p className={styles.error} role="alert">
              {invalidCount === 1 ? 'One field needs' : `${invalidCount} fields need`} attention.
            </p>
          ) : null}
          <button
            type="submit"
            className="button button-primary"
            disabled={create.isPending}
            data-testid="create-submit"
          >
            {create.isPending
              ? values.start
                ? 'Creating and starting…'
                : 'Creating…'
              : values.start
                ? 'Create and start'
                : 'Create'}
          </button>
        </div>
      </aside>
    </form>
  );
}
