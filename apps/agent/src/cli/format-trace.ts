import type { StartTrace, TraceCall, TraceStep } from '@cove/shared';

// A start's trace as a timeline for a terminal: each step on a line (when it began, how
// long it took, which process, what it is, and the command that does it by hand), its
// calls under it. Times are milliseconds from the start.

const ms = (value: number) => value.toFixed(2).padStart(8);

function callLine(call: TraceCall): string {
  const outcome = call.error
    ? ` = -1 ${call.error}   <- failed`
    : call.inferred
      ? `   (${call.inferred})`
      : call.result
        ? ` = ${call.result}`
        : '';
  return `${ms(call.at)} ${ms(call.ms)}          ${call.call}(${call.args})${outcome}`;
}

function stepLines(step: TraceStep, withCalls: boolean): string[] {
  const mark = step.failed ? 'x' : ' ';
  const head = `${ms(step.at)} ${ms(step.ms)} ${mark} ${step.process.padEnd(5)} ${step.title}`;
  const lines = [head, `${' '.repeat(28)}$ ${step.byHand}`];
  if (step.failed) lines.push(`${' '.repeat(28)}failed: ${step.failed}`);
  if (withCalls) lines.push(...step.calls.map(callLine));
  return lines;
}

/** The whole timeline, calls included unless `stepsOnly`. */
export function formatTrace(trace: StartTrace, stepsOnly = false): string {
  const what = `${trace.image}: ${trace.command.join(' ')}`;
  const outcome = trace.error
    ? `failed after ${trace.ms.toFixed(2)} ms`
    : `${trace.ms.toFixed(2)} ms`;
  const calls = trace.steps.reduce((sum, step) => sum + step.calls.length, 0);
  return [
    `The ${trace.kind} of ${trace.containerName} (${what}), ${trace.startedAt}: ${outcome}, ${trace.steps.length} steps, ${calls} calls`,
    '      at     took   by    step, then its calls (ms from the start)',
    ...trace.steps.flatMap((step) => stepLines(step, !stepsOnly)),
    ...(trace.error ? [`error: ${trace.error}`] : []),
  ].join('\n');
}

/** One line per failed start, for `cove trace --failed`. */
export function formatFailedStart(trace: StartTrace): string {
  const failed = trace.steps.find((step) => step.failed);
  return `${trace.startedAt}  ${trace.containerName}  ${trace.image}  at "${failed?.title ?? 'unknown step'}": ${trace.error ?? ''}`;
}
