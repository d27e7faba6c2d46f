'use client';

import type { ReactNode } from 'react';
import styles from './create-form.module.css';
import { type CreateFormValues, emptyPortRow, type PortRow } from './form-values';

/**
 * The published ports as rows of host port, container port and protocol, like the
 * `-p` flags they become. The rows are checked as they are typed (spec-from-form), and
 * the first problem is shown under them, naming its row.
 */
export function PortsEditor({
  rows,
  onChange,
  onBlur,
  error,
}: {
  rows: CreateFormValues['ports'];
  onChange: (rows: PortRow[]) => void;
  onBlur: () => void;
  error: string | undefined;
}) {
  const update = (index: number, change: Partial<PortRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  return (
    <fieldset
      className={`${styles.field} ${styles.wide} ${styles.fieldset}`}
      aria-describedby={error ? 'ports-error' : 'ports-hint'}
    >
      <legend className={styles.label}>Published ports</legend>
      {rows.length > 0 ? (
        <div className={styles.portRows}>
          <span className={styles.portHeading}>Host port</span>
          <span className={styles.portHeading}>Container port</span>
          <span className={styles.portHeading}>Protocol</span>
          <span />
          {rows.map((row, index) => (
            // Rows have no identity but their place; a removed row shifts the rest up.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <PortRowFields key={index} index={index} row={row} update={update} onBlur={onBlur}>
              <button
                type="button"
                className="button button-small"
                aria-label={`Remove port row ${index + 1}`}
                onClick={() => onChange(rows.filter((_, i) => i !== index))}
                data-testid={`port-remove-${index}`}
              >
                Remove
              </button>
            </PortRowFields>
          ))}
        </div>
      ) : null}
      <div>
        <button
          type="button"
          className="button button-small"
          onClick={() => onChange([...rows, emptyPortRow])}
          data-testid="port-add"
        >
          Add a port
        </button>
      </div>
      {error ? null : (
        <div id="ports-hint" className={styles.hint}>
          An empty host port takes a free one, shown once the container runs.
        </div>
      )}
      <div
        id="ports-error"
        className={styles.error}
        data-testid={error ? 'field-error-ports' : undefined}
        aria-live="polite"
      >
        {error}
      </div>
    </fieldset>
  );
}

function PortRowFields({
  index,
  row,
  update,
  onBlur,
  children,
}: {
  index: number;
  row: PortRow;
  update: (index: number, change: Partial<PortRow>) => void;
  onBlur: () => void;
  children: ReactNode;
}) {
  const row1 = index + 1;
  return (
    <>
      <input
        // The first row's host port is where a submit with a bad port puts the focus.
        id={index === 0 ? 'ports' : undefined}
        className="input mono"
        inputMode="numeric"
        placeholder="auto"
        aria-label={`Host port, row ${row1}`}
        value={row.hostPort}
        onChange={(event) => update(index, { hostPort: event.target.value })}
        onBlur={onBlur}
        data-testid={`port-host-${index}`}
      />
      <input
        className="input mono"
        inputMode="numeric"
        placeholder="80"
        aria-label={`Container port, row ${row1}`}
        value={row.containerPort}
        onChange={(event) => update(index, { containerPort: event.target.value })}
        onBlur={onBlur}
        data-testid={`port-container-${index}`}
      />
      <select
        className="select"
        aria-label={`Protocol, row ${row1}`}
        value={row.protocol}
        onChange={(event) => update(index, { protocol: event.target.value as PortRow['protocol'] })}
        data-testid={`port-protocol-${index}`}
      >
        <option value="tcp">tcp</option>
        <option value="udp">udp</option>
      </select>
      {children}
    </>
  );
}
