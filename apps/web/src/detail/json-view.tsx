import { Fragment, type ReactNode } from 'react';
import styles from './json-view.module.css';

/** Pretty JSON with keys, strings, numbers and literals coloured; selectable as plain text. */
export function JsonView({ value }: { value: unknown }) {
  return (
    <pre className={styles.json} data-testid="inspect-json">
      {render(value, 0)}
    </pre>
  );
}

function render(value: unknown, depth: number): ReactNode {
  const indent = '  '.repeat(depth + 1);
  const closing = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return (
      <>
        {'[\n'}
        {value.map((item, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a JSON array's items have nothing but their position.
          <Fragment key={index}>
            {indent}
            {render(item, depth + 1)}
            {index < value.length - 1 ? ',\n' : '\n'}
          </Fragment>
        ))}
        {closing}]
      </>
    );
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return (
      <>
        {'{\n'}
        {entries.map(([key, item], index) => (
          <Fragment key={key}>
            {indent}
            <span className={styles.key}>{JSON.stringify(key)}</span>
            {': '}
            {render(item, depth + 1)}
            {index < entries.length - 1 ? ',\n' : '\n'}
          </Fragment>
        ))}
        {closing}
        {'}'}
      </>
    );
  }
  if (typeof value === 'string')
    return <span className={styles.string}>{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className={styles.number}>{value}</span>;
  return <span className={styles.literal}>{JSON.stringify(value)}</span>;
}
