import type { ReactNode } from 'react';
import styles from './overview-panel.module.css';

/** One term and its value in a card's list of facts. */
export function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className={styles.fact}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
