'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { formatDateTime } from '~/format/format-time';
import { ConfirmDialog } from '~/ui/confirm-dialog';
import { TrashIcon } from '~/ui/icons';
import { LoadFailedBanner } from '~/ui/load-failed-banner';
import { PageHeader } from '~/ui/page-header';
import { useToast } from '~/ui/toasts';
import { NetworkCreateForm } from './network-create-form';
import { NetworkMembers } from './network-members';
import styles from './networks-page.module.css';

export function NetworksPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  // Container events refresh the list (who is on which network, at which address).
  const networks = useQuery(trpc.networks.list.queryOptions());
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = useMutation(
    trpc.networks.remove.mutationOptions({
      onError: (error, { id }) =>
        notify({ tone: 'danger', title: `Remove ${id} failed`, detail: errorMessage(error) }),
      onSettled: () => queryClient.invalidateQueries(trpc.networks.list.queryFilter()),
    }),
  );
  const takenNames = useMemo(
    () => (networks.data ?? []).map((network) => network.name),
    [networks.data],
  );

  return (
    <>
      <PageHeader
        title="Networks"
        subtitle="Bridges of their own: containers on one reach each other by name, and nothing on another."
      />
      <div className={styles.layout}>
        <NetworkCreateForm takenNames={takenNames} />
        <section className="card" aria-label="Networks">
          {networks.isError && !networks.data ? (
            <div className="card-body">
              <LoadFailedBanner
                title="Could not load the networks"
                error={networks.error}
                onRetry={() => networks.refetch()}
              />
            </div>
          ) : networks.isPending ? (
            <div className={styles.placeholder} aria-busy="true">
              Loading networks…
            </div>
          ) : (
            <table className={`table ${styles.table}`} data-testid="networks-table">
              <colgroup>
                <col style={{ width: '170px' }} />
                <col style={{ width: '72px' }} />
                <col style={{ width: '132px' }} />
                <col style={{ width: '112px' }} />
                <col style={{ width: '72px' }} />
                <col />
                <col style={{ width: '52px' }} />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Driver</th>
                  <th scope="col">Subnet</th>
                  <th scope="col">Gateway</th>
                  <th scope="col">Internal</th>
                  <th scope="col">Containers</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {networks.data.map((network) => (
                  <tr key={network.id} data-testid="network-row" data-name={network.name}>
                    <td
                      title={
                        network.createdAt
                          ? `Created ${formatDateTime(network.createdAt)}`
                          : undefined
                      }
                    >
                      <span className="mono">{network.name}</span>
                      {network.userDefined ? null : <span className={styles.tag}>built-in</span>}
                    </td>
                    <td className="mono" data-testid="network-driver">
                      {network.driver}
                    </td>
                    <td className="mono" data-testid="network-subnet">
                      {network.subnet ?? '—'}
                    </td>
                    <td className="mono" data-testid="network-gateway">
                      {network.gateway ?? '—'}
                    </td>
                    <td data-testid="network-internal">{network.internal ? 'yes' : 'no'}</td>
                    <td>
                      <NetworkMembers members={network.members} />
                    </td>
                    <td>
                      {/* The built-in networks are Cove's own: they cannot be removed. */}
                      {network.userDefined ? (
                        <div className={styles.actions}>
                          <button
                            type="button"
                            className="button button-small button-ghost button-icon"
                            aria-label={`Remove ${network.name}`}
                            title={`Remove ${network.name}`}
                            disabled={remove.isPending && remove.variables?.id === network.name}
                            onClick={() => setRemoving(network.name)}
                            data-testid="network-remove"
                          >
                            <TrashIcon size={15} />
                          </button>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing ?? ''}?`}
        confirmLabel="Remove"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing) remove.mutate({ id: removing });
          setRemoving(null);
        }}
      >
        <p>
          Its bridge goes, and its subnet is free for another network. The agent refuses while a
          container is on it, running or not.
        </p>
      </ConfirmDialog>
    </>
  );
}
