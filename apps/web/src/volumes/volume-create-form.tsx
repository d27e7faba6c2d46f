'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { Field } from '~/create/field';
import { Banner } from '~/ui/banner';
import { CopyButton } from '~/ui/copy-button';
import { PlusIcon } from '~/ui/icons';
import { volumeNameProblem } from './volume-name-check';
import styles from './volumes-page.module.css';

/**
 * `cove volume create` as a form: the name checked as it is typed with the agent's own
 * schema (shown once the field was left, or on submit), beside the command line.
 */
export function VolumeCreateForm({ takenNames }: { takenNames: readonly string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [shown, setShown] = useState(false);
  const problem = volumeNameProblem(name, takenNames);
  const create = useMutation(
    trpc.volumes.create.mutationOptions({
      onSuccess: () => {
        setName('');
        setShown(false);
      },
      onSettled: () => queryClient.invalidateQueries(trpc.volumes.list.queryFilter()),
    }),
  );
  const command = `cove volume create ${name || 'NAME'}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShown(true);
    if (problem) {
      document.getElementById('volume-name')?.focus();
      return;
    }
    create.mutate({ name });
  };

  return (
    <section className="card" aria-labelledby="volume-create-title">
      <div className="card-header">
        <h2 id="volume-create-title">Create a volume</h2>
        <span className="muted">
          Or name one in a container’s volumes: it is made on first use.
        </span>
      </div>
      <form onSubmit={submit} noValidate className={styles.form} data-testid="volume-create-form">
        <Field id="volume-name" label="Name" error={shown ? problem : undefined}>
          {(described) => (
            <input
              {...described}
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                create.reset();
              }}
              onBlur={() => setShown(name !== '')}
              className="input mono"
              placeholder="db-data"
              autoComplete="off"
              spellCheck={false}
              data-testid="volume-create-name"
            />
          )}
        </Field>
        <div className={styles.commandLine}>
          <pre className={styles.command} data-testid="cove-volume-create-command">
            {command}
          </pre>
          <CopyButton text={command} label="Copy the cove volume create command" />
        </div>
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending}
          data-testid="volume-create-submit"
        >
          <PlusIcon size={15} />
          {create.isPending ? 'Creating…' : 'Create volume'}
        </button>
      </form>
      {create.isError ? (
        <div className={styles.formError}>
          <Banner
            tone="danger"
            title="The agent could not create the volume"
            testId="volume-create-error"
          >
            {errorMessage(create.error)}
          </Banner>
        </div>
      ) : null}
    </section>
  );
}
