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
      --since WHEN    Only lines from then on: a duration back (30s, 10m, 2h) or a
                      time (2026-11-23T10:00:00Z)
  -t, --timestamps    Each line with the time its logger read it`;

/** `--since`: how long ago (30s, 10m, 2h, 1d), or an absolute time Date can read. */
export function parseSince(text: string, now = Date.now()): number {
  const ago = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text);
  if (ago) {
    const seconds = { s: 1, m: 60, h: 3600, d: 86400 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return Math.round(now - Number(ago[1]) * seconds * 1000);
  }
  const time = Date.parse(text);
  if (Number.isNaN(time)) {
    throw new CliError(
      `--since takes a duration (30s, 10m, 2h, 1d) or a time (2026-11-23T10:00:00Z), not "${text}"`,
    );
  }
  return time;
}

export async function logs(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('logs', args, [
    { long: 'follow', short: 'f' },
    { long: 'tail', short: 'n', value: true },
    { long: 'timestamps', short: 't' },
    { long: 'since', value: true },
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
  const sinceText = flags.get('since')?.at(-1);
  const since = sinceText === undefined ? undefined : parseSince(sinceText);
  let atLineStart = true;
  await follow<LogLine>(
    agent,
    (handlers) =>
      agent.client.containers.logs.subscribe(
        { id, tail, follow: flags.has('follow'), ...(since === undefined ? {} : { since }) },
        handlers,
      ),
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
