import type { TraceStep } from '@cove/shared';
import { CopyButton } from '~/ui/copy-button';
import { formatMs } from './step-groups';
import styles from './waterfall.module.css';

const processNames = {
  agent: 'the agent (engine)',
  init: "the container's init",
  exec: 'the exec shim',
};

/** One step: why it is there, the command that does it by hand, and its calls in order. */
export function StepDetail({ step }: { step: TraceStep }) {
  return (
    <section className={`card ${styles.detail}`} data-testid="trace-detail" aria-live="polite">
      <header className="card-header">
        <h3 className={styles.detailTitle}>{step.title}</h3>
        <span className={styles.detailMeta}>
          {processNames[step.process]} · at {formatMs(step.at)} · took {formatMs(step.ms)}
        </span>
      </header>
      <div className="card-body">
        {step.failed ? (
          <p className={styles.failure} data-testid="trace-failure">
            {step.failed}
          </p>
        ) : null}
        <p className={styles.why} data-testid="trace-why">
          {step.why}
        </p>
        {step.byHand ? (
          <div className={styles.byHand}>
            <code data-testid="trace-by-hand">$ {step.byHand}</code>
            <CopyButton text={step.byHand} label="Copy the command" />
          </div>
        ) : null}
        {step.calls.length ? (
          <ol className={styles.calls} data-testid="trace-calls">
            {step.calls.map((call, index) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: calls have no id; their order is fixed
                key={index}
                data-failed={call.error ? true : undefined}
              >
                <span className={styles.callAt}>{formatMs(call.at)}</span>
                <code>
                  {call.call}({call.args})
                  {call.error ? ` = -1 ${call.error}` : call.result ? ` = ${call.result}` : ''}
                </code>
                {call.inferred ? <span className={styles.inferred}>{call.inferred}</span> : null}
                <span className={styles.callMs}>{formatMs(call.ms)}</span>
              </li>
            ))}
          </ol>
        ) : (
          <p className={styles.noCalls}>
            No call of the libc layer: this step's work is Node's own (files read or written, such
            as the cgroup's).
          </p>
        )}
      </div>
    </section>
  );
}
