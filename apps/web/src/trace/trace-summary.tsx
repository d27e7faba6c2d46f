import type { StartTrace } from '@cove/shared';
import { formatDateTime } from '~/format/format-time';
import { Banner } from '~/ui/banner';
import { formatMs } from './step-groups';
import styles from './trace-summary.module.css';

/** What a trace adds up to: how long, how many steps and calls, and the error if it failed. */
export function TraceSummary({ trace }: { trace: StartTrace }) {
  const calls = trace.steps.reduce((sum, step) => sum + step.calls.length, 0);
  return (
    <>
      {trace.error ? (
        <Banner tone="danger" title={`The ${trace.kind} failed`} testId="trace-error">
          {trace.error}
        </Banner>
      ) : null}
      <p className={styles.summary} data-testid="trace-summary">
        <span>
          <strong data-testid="trace-total">{formatMs(trace.ms)}</strong>{' '}
          {trace.error ? 'until it failed' : `from the engine's first step to ${trace.command[0]}`}
        </span>
        <span aria-hidden="true">·</span>
        <span className="numeric">
          {trace.steps.length} steps, {calls} calls
        </span>
        <span aria-hidden="true">·</span>
        <span>{formatDateTime(trace.startedAt)}</span>
        <span aria-hidden="true">·</span>
        <code className={styles.command}>
          {trace.image}: {trace.command.join(' ')}
        </code>
      </p>
    </>
  );
}
