'use client';

import type { ContainerRecord } from '@cove/shared';
import { CopyButton } from '~/ui/copy-button';
import styles from './inspect-panel.module.css';
import { JsonView } from './json-view';

/** The record as `cove inspect` prints it: the spec asked for and the state reached. */
export function InspectPanel({ record }: { record: ContainerRecord }) {
  const json = JSON.stringify(record, null, 2);
  return (
    <section className="card" aria-label="Inspect">
      <div className="card-header">
        <h2>
          Record <span className="muted">· the same JSON as </span>
          <code>cove inspect {record.name}</code>
        </h2>
        <CopyButton text={json} label="Copy the JSON" />
      </div>
      <div className={styles.scroll}>
        <JsonView value={record} />
      </div>
    </section>
  );
}
