import type { LogLine } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { follow } from '../agent/follow.js';
import { CliError } from '../cli-error.js';
import { parseFlags } from '../parse-flags.js';

const usage = `Usage: cove logs [OPTIONS] CONTAINER

Print what a container wrote: stdout to stdout, stderr to stderr.

Options:
  -f, --follow        Go on printing new output until the container stops
  -n, --tail N        Only the last N lines
  -t, --timestamps    Each line with the time its logger read it`;

export async function logs(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('logs', args, [
    { long: 'follow', short: 'f' },
    { long: 'tail', short: 'n', value: true },
    { long: 'timestamps', short: 't' },
    { long: 'help' },
  ]);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const [id, ...extra] = rest;
  if (!id || extra.length) throw new CliError('cove logs: name one container');
  const tailText = flags.get('tail')?.at(-1) ?? 'all';
  if (tailText !== 'all' && !/^\d+$/.test(tailText)) {
    throw new CliError(`--tail takes a number of lines or "all", not "${tailText}"`);
  }
  const tail = tailText === 'all' ? 100_000 : Number(tailText);
  const timestamps = flags.has('timestamps');
  let atLineStart = true;
  await follow<LogLine>(
    agent,
    (handlers) =>
      agent.client.containers.logs.subscribe({ id, tail, follow: flags.has('follow') }, handlers),
    (line) => {
      const stamp =
        timestamps && atLineStart
          ? `${line.t === null ? '-' : new Date(line.t).toISOString()} `
          : '';
      (line.stream === 'stderr' ? process.stderr : process.stdout).write(
        `${stamp}${line.text}${line.partial ? '' : '\n'}`,
      );
      atLineStart = !line.partial;
    },
  );
  return 0;
}
