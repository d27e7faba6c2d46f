import styles from './stats-panel.module.css';

export interface LegendItem {
  label: string;
  color: string;
  value: string;
  line?: 'solid' | 'dashed' | 'area';
  hint?: string;
}

/** Series names with their value at the cursor, or the latest one; fixed widths, no jumps. */
export function ChartLegend({ items }: { items: LegendItem[] }) {
  return (
    <ul className={styles.legend}>
      {items.map((item) => (
        <li key={item.label} title={item.hint}>
          <span
            className={styles.swatch}
            data-line={item.line ?? 'solid'}
            style={{ color: item.color }}
            aria-hidden="true"
          />
          <span className={styles.legendLabel}>{item.label}</span>
          <span className={`${styles.legendValue} numeric`}>{item.value}</span>
        </li>
      ))}
    </ul>
  );
}
