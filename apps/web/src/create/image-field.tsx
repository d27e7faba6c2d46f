'use client';

import { type ImageSummary, isBuiltInImage } from '@cove/shared';
import { formatBytes } from '~/format/format-bytes';
import { PullProgressView } from '~/images/pull-progress';
import { useImagePull } from '~/images/use-image-pull';
import { DownloadIcon } from '~/ui/icons';
import styles from './create-form.module.css';
import { Field } from './field';

/**
 * The image: typed, or picked from the local images (a datalist: type to filter, arrow
 * keys to choose). A reference that is not stored locally can be pulled from here.
 */
export function ImageField({
  value,
  onChange,
  onBlur,
  error,
  images,
}: {
  value: string;
  onChange: (value: string) => void;
  onBlur: () => void;
  error: string | undefined;
  images: ImageSummary[] | undefined;
}) {
  const pull = useImagePull();
  const reference = value.trim();
  const local = images?.find(
    (image) => image.reference === reference || image.reference === `${reference}:latest`,
  );
  const pulling = pull.state.status === 'pulling';
  // The built-in busybox is made on first use: a fresh store lists no image, and it
  // is not to be pulled.
  const builtIn = !local && isBuiltInImage(reference);

  return (
    <Field
      id="image"
      label="Image"
      error={error}
      wide
      hint={
        local ? (
          <span className={styles.imageStatus}>
            Stored locally · {formatBytes(local.sizeBytes)}
          </span>
        ) : builtIn ? (
          <span className={styles.imageStatus} data-testid="image-built-in">
            Cove’s built-in busybox: made on first use, no pull needed.
          </span>
        ) : reference && images ? (
          <span className={styles.imageStatus}>
            Not stored locally: pull it first, or import a tarball on the Images page.
          </span>
        ) : (
          'A local image, or NAME:TAG to pull from a registry.'
        )
      }
    >
      {(described) => (
        <>
          <div className={styles.imageRow}>
            <input
              {...described}
              className="input mono"
              list="local-images"
              value={value}
              autoComplete="off"
              spellCheck={false}
              placeholder="busybox"
              onChange={(event) => onChange(event.target.value)}
              onBlur={onBlur}
              data-testid="create-image"
            />
            {!local && !builtIn && reference && images ? (
              <button
                type="button"
                className="button"
                disabled={pulling}
                onClick={() => pull.start(reference)}
              >
                <DownloadIcon size={15} />
                {pulling ? 'Pulling…' : 'Pull'}
              </button>
            ) : null}
          </div>
          <datalist id="local-images">
            {images?.map((image) => (
              <option key={image.reference} value={image.reference} />
            ))}
          </datalist>
          {pull.state.status === 'pulling' ? <PullProgressView state={pull.state} /> : null}
          {pull.state.status === 'failed' ? (
            <div className={styles.error} role="alert">
              Pull failed: {pull.state.message}
            </div>
          ) : null}
        </>
      )}
    </Field>
  );
}
