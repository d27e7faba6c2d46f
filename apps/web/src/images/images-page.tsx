'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { formatBytes } from '~/format/format-bytes';
import { formatDateTime, formatDay } from '~/format/format-time';
import { ConfirmDialog } from '~/ui/confirm-dialog';
import { EmptyState } from '~/ui/empty-state';
import { ImagesIcon, PlayIcon, TrashIcon } from '~/ui/icons';
import { LoadFailedBanner } from '~/ui/load-failed-banner';
import { PageHeader } from '~/ui/page-header';
import { useToast } from '~/ui/toasts';
import { ImagePullForm } from './image-pull-form';
import { ImageUploadForm } from './image-upload-form';
import styles from './images-page.module.css';

export function ImagesPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const images = useQuery(trpc.images.list.queryOptions());
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = useMutation(
    trpc.images.remove.mutationOptions({
      onError: (error, { reference }) =>
        notify({
          tone: 'danger',
          title: `Remove ${reference} failed`,
          detail: errorMessage(error),
        }),
      onSettled: () => queryClient.invalidateQueries(trpc.images.list.queryFilter()),
    }),
  );

  const sorted = [...(images.data ?? [])].sort((a, b) => a.reference.localeCompare(b.reference));

  return (
    <>
      <PageHeader
        title="Images"
        subtitle="What containers are made from: stored on this host, shared by every container."
      />
      <div className={styles.layout}>
        <section className="card" aria-label="Local images">
          {images.isError && !images.data ? (
            <div className="card-body">
              <LoadFailedBanner
                title="Could not load the images"
                error={images.error}
                onRetry={() => images.refetch()}
              />
            </div>
          ) : images.isPending ? (
            <div className={styles.placeholder} aria-busy="true">
              Loading images…
            </div>
          ) : sorted.length === 0 ? (
            <EmptyState icon={<ImagesIcon size={22} />} title="No images yet">
              The built-in <code>busybox</code> image appears after the first container uses it.
              Pull one from a registry or import a tarball (<code>docker save</code> makes one).
            </EmptyState>
          ) : (
            <table className="table" data-testid="images-table">
              <colgroup>
                <col />
                <col style={{ width: '124px' }} />
                <col style={{ width: '88px' }} />
                <col style={{ width: '116px' }} />
                <col style={{ width: '112px' }} />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Reference</th>
                  <th scope="col">Digest</th>
                  <th scope="col">Size</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((image) => (
                  <tr
                    key={image.reference}
                    data-testid="image-row"
                    data-reference={image.reference}
                  >
                    <td className="mono" title={image.reference}>
                      {image.reference}
                    </td>
                    <td className="mono muted" title={image.digest ?? undefined}>
                      {image.digest ? image.digest.replace(/^sha256:/, '').slice(0, 12) : '—'}
                    </td>
                    <td className="numeric">{formatBytes(image.sizeBytes)}</td>
                    <td
                      className="muted"
                      title={image.createdAt ? formatDateTime(image.createdAt) : undefined}
                    >
                      {image.createdAt ? formatDay(image.createdAt) : '—'}
                    </td>
                    <td>
                      <div className={styles.actions}>
                        <Link
                          href={`/create?image=${encodeURIComponent(image.reference)}`}
                          className="button button-small"
                        >
                          <PlayIcon size={13} /> Run
                        </Link>
                        <button
                          type="button"
                          className="button button-small button-ghost button-icon"
                          aria-label={`Remove ${image.reference}`}
                          title={`Remove ${image.reference}`}
                          disabled={
                            remove.isPending && remove.variables?.reference === image.reference
                          }
                          onClick={() => setRemoving(image.reference)}
                          data-testid="image-remove"
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
        <div className={styles.side}>
          <ImagePullForm />
          <ImageUploadForm />
        </div>
      </div>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing ?? ''}?`}
        confirmLabel="Remove"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing) remove.mutate({ reference: removing });
          setRemoving(null);
        }}
      >
        <p>
          The image’s layers are deleted unless another image shares them. Containers made from it
          keep running; the agent refuses while one still needs it.
        </p>
      </ConfirmDialog>
    </>
  );
}
