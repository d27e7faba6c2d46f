'use client';

import styles from './create-form.module.css';
import { Field } from './field';
import type { SectionProps } from './form-values';

/** Docker's security flags in the create form: capabilities, a read-only root, tmpfs, devices. */
export function SecuritySection({ values, set, text, errorFor }: SectionProps) {
  return (
    <section className="card" aria-labelledby="section-security">
      <div className="card-header">
        <h2 id="section-security">Security</h2>
      </div>
      <div className={styles.grid}>
        <Field
          id="capAdd"
          label="Add capabilities"
          hint="Names like NET_ADMIN, or ALL."
          error={errorFor('capAdd')}
        >
          {(described) => (
            <input
              {...described}
              {...text('capAdd')}
              className="input mono"
              placeholder="NET_ADMIN"
              spellCheck={false}
              data-testid="create-cap-add"
            />
          )}
        </Field>
        <Field
          id="capDrop"
          label="Drop capabilities"
          hint="From Docker's default set, or ALL."
          error={errorFor('capDrop')}
        >
          {(described) => (
            <input
              {...described}
              {...text('capDrop')}
              className="input mono"
              placeholder="NET_RAW"
              spellCheck={false}
              data-testid="create-cap-drop"
            />
          )}
        </Field>
        <Field
          id="tmpfs"
          label="tmpfs mounts"
          hint="One PATH[:OPTIONS] per line, e.g. /tmp:size=64m."
          error={errorFor('tmpfs')}
        >
          {(described) => (
            <textarea
              {...described}
              {...text('tmpfs')}
              className="textarea"
              rows={2}
              placeholder="/tmp"
              spellCheck={false}
              data-testid="create-tmpfs"
            />
          )}
        </Field>
        <Field
          id="devices"
          label="Devices"
          hint="One HOST[:CONTAINER][:rwm] per line."
          error={errorFor('devices')}
        >
          {(described) => (
            <textarea
              {...described}
              {...text('devices')}
              className="textarea"
              rows={2}
              placeholder="/dev/fuse"
              spellCheck={false}
              data-testid="create-devices"
            />
          )}
        </Field>
        <Field
          id="oomScoreAdj"
          label="OOM score"
          hint="-1000 (never killed) to 1000 (first)."
          error={errorFor('oomScoreAdj')}
        >
          {(described) => (
            <input
              {...described}
              {...text('oomScoreAdj')}
              className="input mono"
              inputMode="numeric"
              placeholder="0"
              data-testid="create-oom-score-adj"
            />
          )}
        </Field>
        <div className={`${styles.switches} ${styles.wide}`}>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={values.readOnly}
              onChange={(event) => set('readOnly', event.target.checked)}
              data-testid="create-read-only"
            />
            Read-only root filesystem (<code>--read-only</code>)
          </label>
        </div>
      </div>
    </section>
  );
}
