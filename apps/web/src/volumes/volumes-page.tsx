'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { formatBytes } from '~/format/format-bytes';
import { formatDateTime } from '~/format/format-time';
import { ConfirmDialog } from '~/ui/confirm-dialog';
import { TrashIcon } from '~/ui/icons';
import { LoadFailedBanner } from '~/ui/load-failed-banner';
import { PageHeader } from '~/ui/page-header';
import { useToast } from '~/ui/toasts';
import { VolumeCreateForm } from './volume-create-form';
import styles from './volumes-page.module.css';

/** Named volumes: what each holds, who mounts it, and create and remove. */
export function VolumesPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const volumes = useQuery(trpc.volumes.list.queryOptions());
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = useMutation(
    trpc.volumes.remove.mutationOptions({
      onError: (error, { name }) =>
        notify({ tone: 'danger', title: `Remove ${name} failed`, detail: errorMessage(error) }),
      onSettled: () => queryClient.invalidateQueries(trpc.volumes.list.queryFilter()),
    }),
  );
  const takenNames = useMemo(
    () => (volumes.data ?? []).map((volume) => volume.name),
    [volumes.data],
  );

  return (
    <>
      <PageHeader
        title="Volumes"
        subtitle="Directories Cove keeps for containers: they outlive the containers that use them."
      />
      <div className={styles.layout}>
        <VolumeCreateForm takenNames={takenNames} />
        <section className="card" aria-label="Volumes">
          {volumes.isError && !volumes.data ? (
            <div className="card-body">
              <LoadFailedBanner
                title="Could not load the volumes"
                error={volumes.error}
                onRetry={() => volumes.refetch()}
              />
            </div>
          ) : volumes.isPending ? (
            <div className={styles.placeholder} aria-busy="true">
              Loading volumes…
            </div>
          ) : volumes.data.length === 0 ? (
            <div className={styles.placeholder} data-testid="volumes-empty">
              No volumes yet. <span className="mono">-v NAME:/path</span> in a container’s volumes
              makes one.
            </div>
          ) : (
            <table className={`table ${styles.table}`} data-testid="volumes-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Size</th>
                  <th scope="col">Used by</th>
                  <th scope="col">On the host</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {volumes.data.map((volume) => (
                  <tr key={volume.name} data-testid="volume-row" data-name={volume.name}>
                    <td className="mono" title={`Created ${formatDateTime(volume.createdAt)}`}>
                      {volume.name}
                    </td>
                    <td data-testid="volume-size">{formatBytes(volume.sizeBytes)}</td>
                    <td data-testid="volume-users">
                      {volume.usedBy.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <ul className={styles.users}>
                          {volume.usedBy.map((user) => (
                            <li key={user.id}>
                              <Link href={`/container?id=${user.id}`}>{user.name}</Link>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="mono muted">{volume.mountpoint}</td>
                    <td>
                      <div className={styles.actions}>
                        <button
                          type="button"
                          className="button button-small button-ghost button-icon"
                          aria-label={`Remove ${volume.name}`}
                          title={`Remove ${volume.name}`}
                          disabled={remove.isPending && remove.variables?.name === volume.name}
                          onClick={() => setRemoving(volume.name)}
                          data-testid="volume-remove"
                        >
                          <TrashIcon size={15} />
                        </button>
                      </div>
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
          if (removing) remove.mutate({ name: removing });
          setRemoving(null);
        }}
      >
        <p>
          Its files are deleted for good. The agent refuses while a container mounts it, running or
          not.
        </p>
      </ConfirmDialog>
    </>
  );
}
