'use client';

import type { ImageSummary } from '@cove/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, type FormEvent, useEffect, useRef, useState } from 'react';
import { type ImportProgress, importImage } from '~/api/image-import';
import { useTRPC } from '~/api/trpc';
import { formatBytes } from '~/format/format-bytes';
import { Banner } from '~/ui/banner';
import { UploadIcon } from '~/ui/icons';
import styles from './images-page.module.css';
import { referenceFromFileName } from './reference-from-file-name';

type UploadState =
  | { status: 'idle' }
  | { status: 'uploading'; progress: ImportProgress }
  | { status: 'done'; image: ImageSummary }
  | { status: 'failed'; message: string };

/** Imports an image tarball (`docker save`, an OCI layout tar) by upload, with progress. */
export function ImageUploadForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [reference, setReference] = useState('');
  const [dragging, setDragging] = useState(false);
  const [state, setState] = useState<UploadState>({ status: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => () => abort.current?.abort(), []);

  const choose = (chosen: File | null) => {
    setFile(chosen);
    setState({ status: 'idle' });
    if (chosen && !reference) setReference(referenceFromFileName(chosen.name));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || !reference.trim()) return;
    const controller = new AbortController();
    abort.current = controller;
    setState({ status: 'uploading', progress: { sentBytes: 0, totalBytes: file.size } });
    importImage(
      reference.trim(),
      file,
      (progress) => setState({ status: 'uploading', progress }),
      controller.signal,
    ).then(
      (image) => {
        setState({ status: 'done', image });
        setFile(null);
        setReference('');
        if (fileInput.current) fileInput.current.value = '';
        queryClient.invalidateQueries(trpc.images.list.queryFilter());
      },
      (error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') {
          setState({ status: 'idle' });
        } else setState({ status: 'failed', message: (error as Error).message });
      },
    );
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0] ?? null);
  };

  const uploading = state.status === 'uploading';
  const percent =
    state.status === 'uploading' && state.progress.totalBytes > 0
      ? (state.progress.sentBytes / state.progress.totalBytes) * 100
      : 0;

  return (
    <section className="card" aria-labelledby="upload-title">
      <div className="card-header">
        <h2 id="upload-title">Import a tarball</h2>
      </div>
      <form className={styles.form} onSubmit={submit} data-testid="upload-form">
        <label
          className={styles.drop}
          data-dragging={dragging || undefined}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <UploadIcon size={20} />
          {file ? (
            <>
              <strong>{file.name}</strong>
              <span>{formatBytes(file.size)}</span>
            </>
          ) : (
            <span>Drop an image tarball here, or choose one</span>
          )}
          <input
            ref={fileInput}
            type="file"
            className="sr-only"
            accept=".tar,.tgz,.gz,.zst,application/x-tar,application/gzip"
            onChange={(event) => choose(event.target.files?.[0] ?? null)}
            data-testid="upload-file"
            aria-label="Image tarball"
          />
        </label>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>Store as</span>
          <input
            className="input mono"
            value={reference}
            onChange={(event) => setReference(event.target.value)}
            placeholder="myapp:1.0"
            spellCheck={false}
            autoComplete="off"
            data-testid="upload-reference"
          />
          <span className={styles.hint}>
            NAME:TAG, as <code>cove run</code> and the create form take it.
          </span>
        </label>
        {state.status === 'uploading' ? (
          <div
            className="progress"
            role="progressbar"
            aria-label="Upload"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(percent)}
          >
            <span style={{ width: `${percent}%` }} />
          </div>
        ) : null}
        {state.status === 'done' ? (
          <Banner tone="success" title={`Imported ${state.image.reference}`} testId="upload-done">
            {formatBytes(state.image.sizeBytes)}
          </Banner>
        ) : null}
        {state.status === 'failed' ? (
          <Banner tone="danger" title="Import failed" testId="upload-error">
            {state.message}
          </Banner>
        ) : null}
        <div className={styles.actions}>
          {uploading ? (
            <button type="button" className="button" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          ) : null}
          <button
            type="submit"
            className="button button-primary"
            disabled={uploading || !file || !reference.trim()}
            data-testid="upload-submit"
          >
            <UploadIcon size={15} />
            {uploading ? `Uploading ${Math.round(percent)}%` : 'Import'}
          </button>
        </div>
      </form>
    </section>
  );
}
