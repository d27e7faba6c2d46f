'use client';

import type { ContainerRecord } from '@cove/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { useToast } from '~/ui/toasts';
import { canJoinNetworks, containerNetworks } from './container-networks';
import { NetworkConnectForm } from './network-connect-form';
import styles from './networks-card.module.css';

/**
 * Every network the container is on, its first (eth0) then the ones it joined, with its
 * interface, address and aliases on each; and joining or leaving a user-defined one,
 * which works while it runs (`cove network connect` / `disconnect`). A container keeps
 * its first network for its life.
 */
export function NetworksCard({ record }: { record: ContainerRecord }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const entries = containerNetworks(record);
  const disconnect = useMutation(
    trpc.networks.disconnect.mutationOptions({
      onError: (error, { network }) =>
        notify({
          tone: 'danger',
          title: `Disconnect ${record.name} from ${network} failed`,
          detail: errorMessage(error),
        }),
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.containers.inspect.queryFilter()),
          queryClient.invalidateQueries(trpc.networks.list.queryFilter()),
        ]),
    }),
  );

  // On none, host or another container's network there is no interface of its own to
  // list, and nothing to join: the Network card says which.
  if (!canJoinNetworks(record)) return null;
  return (
    <section className="card" data-testid="networks-card">
      <div className="card-header">
        <h2>Networks</h2>
        <Link href="/networks" className="muted">
          All networks
        </Link>
      </div>
      <ul className={styles.networks}>
        {entries.map((entry) => (
          <li key={entry.network} data-testid="container-network" data-network={entry.network}>
            <div className={styles.networkHead}>
              <span className="mono">{entry.network}</span>
              <span className="mono muted" data-testid="container-network-interface">
                {entry.interface ?? ''}
              </span>
              {entry.first ? null : (
                <button
                  type="button"
                  className="button button-small"
                  disabled={disconnect.isPending && disconnect.variables?.network === entry.network}
                  onClick={() =>
                    disconnect.mutate({ network: entry.network, container: record.id })
                  }
                  data-testid="network-disconnect"
                >
                  Disconnect
                </button>
              )}
            </div>
            <div className={styles.networkFacts}>
              <span className="mono" data-testid="container-network-address">
                {entry.address ?? <span className="muted">an address while it runs</span>}
              </span>
              {entry.aliases.length > 0 ? (
                <span className="muted" data-testid="container-network-aliases">
                  alias {entry.aliases.join(', ')}
                </span>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      <NetworkConnectForm record={record} joined={entries.map((entry) => entry.network)} />
    </section>
  );
}
