import { writeFileSync } from 'node:fs';
import type { StartTrace } from '@cove/shared';
import type { AgentConnection } from './agent/agent-connection.js';
import { formatTrace } from './format-trace.js';

/** `--trace` and `--trace-file FILE` of `cove run` and `cove start`. */
export interface TraceWish {
  print: boolean;
  file?: string;
}

export function traceWish(flags: Map<string, string[]>): TraceWish | undefined {
  const file = flags.get('trace-file')?.at(-1);
  if (!flags.has('trace') && file === undefined) return undefined;
  return { print: flags.has('trace'), file };
}

export const traceFlagSpecs = [{ long: 'trace' }, { long: 'trace-file', value: true }];

export const traceFlagsUsage = `      --trace              Print how the container was born, step by step, to stderr
      --trace-file FILE    Write that trace to FILE as JSON`;

function deliver(wish: TraceWish, trace: StartTrace): void {
  if (wish.file) writeFileSync(wish.file, `${JSON.stringify(trace, null, 2)}\n`);
  // stderr: the container's own output on stdout stays clean.
  if (wish.print) process.stderr.write(`${formatTrace(trace)}\n`);
}

/** The trace of the start that just made container `id` (by full id: it may be gone). */
export async function reportTrace(
  agent: AgentConnection,
  wish: TraceWish,
  id: string,
): Promise<void> {
  const trace = await agent.client.containers.trace.query({ id });
  if (!trace) {
    process.stderr.write('cove: the agent records no traces (it runs with --no-trace)\n');
    return;
  }
  deliver(wish, trace);
}

/** After a start failed: its trace, the newest failed start if it is this one's. */
export async function reportFailedTrace(
  agent: AgentConnection,
  wish: TraceWish,
  since: Date,
): Promise<void> {
  const [newest] = await agent.client.containers.failedStarts.query().catch(() => []);
  if (newest && new Date(newest.startedAt) >= since) deliver(wish, newest);
}
