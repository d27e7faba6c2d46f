'use client';

import type { ContainerRecord } from '@cove/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { networkConnectRequest } from './network-connect-request';
import styles from './networks-card.module.css';

/**
 * Joins the container to one more user-defined network, on a new interface, with the
 * aliases it answers to there. The problem with the input, or the agent's answer, is
 * one line under the form.
 */
export function NetworkConnectForm({
  record,
  joined,
}: {
  record: ContainerRecord;
  joined: readonly string[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const networks = useQuery(trpc.networks.list.queryOptions());
  const [network, setNetwork] = useState('');
  const [aliases, setAliases] = useState('');
  const [touched, setTouched] = useState(false);
  const [serverError, setServerError] = useState<string | undefined>();
  const choices = (networks.data ?? []).filter(
    (candidate) => candidate.userDefined && !joined.includes(candidate.name),
  );
  const result = networkConnectRequest(record.id, network, aliases);

  const connect = useMutation(
    trpc.networks.connect.mutationOptions({
      onSuccess: () => {
        setNetwork('');
        setAliases('');
        setTouched(false);
      },
      onError: (error) => setServerError(errorMessage(error)),
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.containers.inspect.queryFilter()),
          queryClient.invalidateQueries(trpc.networks.list.queryFilter()),
        ]),
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setServerError(undefined);
    if (result.ok) connect.mutate(result.request);
  };

  if (networks.data && choices.length === 0) {
    return (
      <p className={styles.none}>
        No other network to join: <Link href="/networks">create one</Link>.
      </p>
    );
  }

  const error = serverError ?? (touched && !result.ok ? result.error : undefined);
  return (
    <form className={styles.connect} onSubmit={submit} noValidate aria-label="Connect to a network">
      <select
        className="select"
        aria-label="Network to join"
        value={network}
        onChange={(event) => {
          setNetwork(event.target.value);
          setServerError(undefined);
        }}
        data-testid="network-connect-select"
      >
        <option value="">Join a network…</option>
        {choices.map((choice) => (
          <option key={choice.id} value={choice.name}>
            {choice.name}
            {choice.subnet ? ` (${choice.subnet})` : ''}
          </option>
        ))}
      </select>
      <div className={styles.connectRow}>
        <input
          className="input mono"
          aria-label="Aliases on that network"
          aria-invalid={error ? true : undefined}
          placeholder="aliases (optional)"
          autoComplete="off"
          spellCheck={false}
          value={aliases}
          onChange={(event) => {
            setAliases(event.target.value);
            setServerError(undefined);
          }}
          onBlur={() => setTouched(true)}
          data-testid="network-connect-aliases"
        />
        <button
          type="submit"
          className="button"
          disabled={!network || connect.isPending}
          data-testid="network-connect-submit"
        >
          {connect.isPending ? 'Connecting…' : 'Connect'}
        </button>
      </div>
      <div
        className={styles.error}
        aria-live="polite"
        data-testid={error ? 'network-connect-error' : undefined}
      >
        {error}
      </div>
    </form>
  );
}
