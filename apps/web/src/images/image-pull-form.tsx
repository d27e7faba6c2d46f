'use client';

import { type FormEvent, useState } from 'react';
import { Banner } from '~/ui/banner';
import { DownloadIcon } from '~/ui/icons';
import styles from './images-page.module.css';
import { PullProgressView } from './pull-progress';
import { useImagePull } from './use-image-pull';

/** Pulls NAME:TAG from a registry, with a progress bar over all its layers. */
export function ImagePullForm() {
  const pull = useImagePull();
  const [reference, setReference] = useState('');
  const [insecure, setInsecure] = useState(false);
  const pulling = pull.state.status === 'pulling';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reference.trim()) pull.start(reference.trim(), insecure);
  };

  return (
    <section className="card" aria-labelledby="pull-title">
      <div className="card-header">
        <h2 id="pull-title">Pull from a registry</h2>
      </div>
      <form className={styles.form} onSubmit={submit} data-testid="pull-form">
        <label className={styles.field}>
          <span className={styles.fieldLabel}>Reference</span>
          <input
            className="input mono"
            value={reference}
            onChange={(event) => setReference(event.target.value)}
            placeholder="alpine:3.20"
            spellCheck={false}
            autoComplete="off"
            data-testid="pull-reference"
          />
          <span className={styles.hint}>
            Docker Hub by default; registry.example.com/app:1 for others.
          </span>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={insecure}
            onChange={(event) => setInsecure(event.target.checked)}
          />
          Plain HTTP registry (insecure)
        </label>
        {pull.state.status === 'pulling' ? <PullProgressView state={pull.state} /> : null}
        {pull.state.status === 'done' ? (
          <PullDone reference={pull.state.reference} warnings={pull.state.warnings} />
        ) : null}
        {pull.state.status === 'failed' ? (
          <Banner tone="danger" title={`Could not pull ${pull.state.reference}`}>
            {pull.state.message}
          </Banner>
        ) : null}
        <div className={styles.actions}>
          {pulling ? (
            <button type="button" className="button" onClick={pull.cancel}>
              Cancel
            </button>
          ) : null}
          <button
            type="submit"
            className="button button-primary"
            disabled={pulling || !reference.trim()}
            data-testid="pull-submit"
          >
            <DownloadIcon size={15} />
            {pulling ? 'Pulling…' : 'Pull'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** What was pulled, and what the agent warns about it: another platform, skipped files. */
function PullDone({ reference, warnings }: { reference: string; warnings: string[] }) {
  if (warnings.length === 0) {
    return <Banner tone="success" title={`Pulled ${reference}`} testId="pull-done" />;
  }
  return (
    <Banner
      tone="warning"
      title={`Pulled ${reference}, with ${warnings.length === 1 ? 'a warning' : `${warnings.length} warnings`}`}
      testId="pull-done"
    >
      <ul className={styles.warnings} data-testid="pull-warnings">
        {warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </Banner>
  );
}
