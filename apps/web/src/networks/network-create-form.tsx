'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { Field } from '~/create/field';
import { Banner } from '~/ui/banner';
import { CopyButton } from '~/ui/copy-button';
import { PlusIcon } from '~/ui/icons';
import { coveNetworkCreateCommand } from './cove-network-create-command';
import { networkCreateRequest } from './network-create-request';
import {
  initialNetworkFormValues,
  type NetworkFormErrors,
  type NetworkFormField,
  type NetworkFormValues,
} from './network-form-values';
import { networkServerErrors } from './network-server-errors';
import styles from './networks-page.module.css';

/** The order errors are visited in: the first invalid field gets the focus on submit. */
const fieldOrder: NetworkFormField[] = ['name', 'subnet', 'gateway'];
const fieldIds: Record<NetworkFormField, string> = {
  name: 'network-name',
  subnet: 'network-subnet',
  gateway: 'network-gateway',
};

/** The form's text fields, in order. */
const textFields: { field: NetworkFormField; label: string; hint?: string; placeholder: string }[] =
  [
    { field: 'name', label: 'Name', placeholder: 'backend' },
    {
      field: 'subnet',
      label: 'Subnet',
      hint: 'Optional: Cove picks a free /24.',
      placeholder: '10.89.5.0/24',
    },
    {
      field: 'gateway',
      label: 'Gateway',
      hint: 'Optional: the subnet’s first address.',
      placeholder: '10.89.5.1',
    },
  ];

/**
 * `cove network create` as a form: checked as it is typed with the agent's own schema
 * (a field's message shows once it was left, or on submit), beside the command line
 * that makes the same network.
 */
export function NetworkCreateForm({ takenNames }: { takenNames: readonly string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<NetworkFormValues>(initialNetworkFormValues);
  const [touched, setTouched] = useState<ReadonlySet<NetworkFormField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<NetworkFormErrors>({});

  const result = useMemo(() => networkCreateRequest(values, takenNames), [values, takenNames]);
  const command = useMemo(() => coveNetworkCreateCommand(values), [values]);

  const create = useMutation(
    trpc.networks.create.mutationOptions({
      onSuccess: () => {
        setValues(initialNetworkFormValues);
        setTouched(new Set());
        setSubmitted(false);
      },
      onError: (error) => setServerErrors(networkServerErrors(error)),
      onSettled: () => queryClient.invalidateQueries(trpc.networks.list.queryFilter()),
    }),
  );

  const errorFor = (field: NetworkFormField): string | undefined =>
    serverErrors[field] ?? (submitted || touched.has(field) ? result.errors[field] : undefined);

  const text = (field: NetworkFormField) => ({
    value: values[field],
    onChange: (event: { target: { value: string } }) => {
      setValues((current) => ({ ...current, [field]: event.target.value }));
      setServerErrors(({ [field]: _cleared, form: _form, ...rest }) => rest);
    },
    onBlur: () => setTouched((current) => new Set(current).add(field)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setServerErrors({});
    if (!result.ok) {
      const first = fieldOrder.find((field) => result.errors[field]);
      if (first) document.getElementById(fieldIds[first])?.focus();
      return;
    }
    create.mutate(result.request);
  };

  return (
    <section className="card" aria-labelledby="network-create-title">
      <div className="card-header">
        <h2 id="network-create-title">Create a network</h2>
        <span className="muted">Its containers find each other by name.</span>
      </div>
      <form onSubmit={submit} noValidate data-testid="network-create-form">
        <div className={styles.fields}>
          {textFields.map(({ field, label, hint, placeholder }) => (
            <Field
              key={field}
              id={fieldIds[field]}
              label={label}
              hint={hint}
              error={errorFor(field)}
            >
              {(described) => (
                <input
                  {...described}
                  {...text(field)}
                  className="input mono"
                  placeholder={placeholder}
                  autoComplete="off"
                  spellCheck={false}
                  data-testid={`network-create-${field}`}
                />
              )}
            </Field>
          ))}
        </div>
        <div className={styles.formFooter}>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={values.internal}
              onChange={(event) =>
                setValues((current) => ({ ...current, internal: event.target.checked }))
              }
              data-testid="network-create-internal"
            />
            Internal: no way out, its containers reach only each other
          </label>
          <div className={styles.commandLine}>
            <pre className={styles.command} data-testid="cove-network-create-command">
              {command}
            </pre>
            <CopyButton text={command} label="Copy the cove network create command" />
          </div>
          <button
            type="submit"
            className="button button-primary"
            disabled={create.isPending}
            data-testid="network-create-submit"
          >
            <PlusIcon size={15} />
            {create.isPending ? 'Creating…' : 'Create network'}
          </button>
        </div>
        {serverErrors.form ? (
          <div className={styles.formError}>
            <Banner
              tone="danger"
              title="The agent could not create the network"
              testId="network-create-error"
            >
              {serverErrors.form}
            </Banner>
          </div>
        ) : null}
      </form>
    </section>
  );
}
