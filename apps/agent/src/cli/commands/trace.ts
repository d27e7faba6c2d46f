import type { StartTrace } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { formatFailedStart, formatTrace } from '../format-trace.js';
import { parseFlags } from '../parse-flags.js';

export const traceUsage = `Usage: cove trace [OPTIONS] CONTAINER
       cove trace --failed [OPTIONS]

Show how a container was born: the steps of its last start, each with the system calls
the engine and the container's init made, their arguments, results and times.

  --failed           The last failed starts instead (newest first), with the failing step
  --steps            Only the steps, not their calls
  --format json      The trace as JSON`;

function parseFormat(text: string | undefined): 'text' | 'json' {
  if (text === undefined || text === 'text') return 'text';
  if (text === 'json') return 'json';
  throw new CliError(`cove trace: unknown --format "${text}": use json`);
}

export async function trace(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('trace', args, [
    { long: 'failed' },
    { long: 'steps' },
    { long: 'format', value: true },
    { long: 'help' },
  ]);
  if (flags.has('help')) {
    console.log(traceUsage);
    return 0;
  }
  const format = parseFormat(flags.get('format')?.at(-1));
  const { containers } = agent.client;
  if (flags.has('failed')) {
    const failed = await containers.failedStarts.query();
    if (format === 'json') console.log(JSON.stringify(failed, null, 2));
    else for (const kept of failed) console.log(formatFailedStart(kept));
    return 0;
  }
  const [id, ...extra] = rest;
  if (!id || extra.length) throw new CliError('cove trace: name one container: cove trace NAME');
  const found = await containers.trace.query({ id });
  if (!found) {
    throw new CliError(
      `cove trace: ${id}'s last start was not traced (the agent runs with --no-trace, or it has not started since)`,
    );
  }
  printTrace(found, format, flags.has('steps'));
  return 0;
}

export function printTrace(found: StartTrace, format: 'text' | 'json', stepsOnly = false): void {
  console.log(format === 'json' ? JSON.stringify(found, null, 2) : formatTrace(found, stepsOnly));
}
