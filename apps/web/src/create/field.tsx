import type { ReactNode } from 'react';
import styles from './create-form.module.css';

/**
 * A labelled form field with its hint and error. The control receives the ids to point
 * at them (`aria-describedby`), and the error is a live region so it is announced.
 */
export function Field({
  id,
  label,
  hint,
  error,
  children,
  wide,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  wide?: boolean;
  children: (described: {
    id: string;
    'aria-describedby': string;
    'aria-invalid'?: true;
  }) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={wide ? `${styles.field} ${styles.wide}` : styles.field}>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      {children({
        id,
        'aria-describedby': describedBy,
        ...(error ? { 'aria-invalid': true as const } : {}),
      })}
      {hint && !error ? (
        <div id={`${id}-hint`} className={styles.hint}>
          {hint}
        </div>
      ) : null}
      <div
        id={`${id}-error`}
        className={styles.error}
        data-testid={error ? `field-error-${id}` : undefined}
        aria-live="polite"
      >
        {error}
      </div>
    </div>
  );
}
