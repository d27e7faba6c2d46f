import type { ReactNode } from 'react';
import styles from './banner.module.css';
import { AlertIcon, CheckIcon } from './icons';

type Tone = 'danger' | 'warning' | 'success' | 'info';

/** A sentence the user must see, with an optional way out (retry, start, …). */
export function Banner({
  tone,
  title,
  children,
  action,
  testId,
}: {
  tone: Tone;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className={styles.banner}
      data-tone={tone}
      role={tone === 'danger' ? 'alert' : 'status'}
      data-testid={testId}
    >
      <span className={styles.icon}>
        {tone === 'success' ? <CheckIcon size={16} /> : <AlertIcon size={16} />}
      </span>
      <div className={styles.text}>
        <strong>{title}</strong>
        {children ? <div className={styles.detail}>{children}</div> : null}
      </div>
      {action ? <div className={styles.action}>{action}</div> : null}
    </div>
  );
}
