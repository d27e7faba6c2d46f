import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';
import { environmentEntries } from '../container-flags.js';
import { parseFlags } from '../parse-flags.js';
import { relayTerminal } from '../terminal-relay.js';

const usage = `Usage: cove exec [OPTIONS] CONTAINER COMMAND [ARG...]

Run a command in a running container: its namespaces, cgroup, environment, user and
capabilities.

Options:
  -e, --env KEY=VALUE      Set an environment variable
  -i, --interactive        Connect stdin
  -t, --tty                Give the command a terminal
  -u, --user USER[:GROUP]  Run as this user
  -w, --workdir DIR        Working directory inside the container`;

export async function exec(engine: Engine, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('exec', args, [
    { long: 'env', short: 'e', value: true, repeatable: true },
    { long: 'interactive', short: 'i' },
    { long: 'tty', short: 't' },
    { long: 'user', short: 'u', value: true },
    { long: 'workdir', short: 'w', value: true },
    { long: 'help' },
  ]);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const [container, ...command] = rest;
  if (!container || !command.length) {
    throw new CoveError('cove exec: name a container and a command: cove exec CONTAINER COMMAND');
  }
  const interactive = flags.has('interactive');
  const env = environmentEntries(flags.get('env') ?? []);
  const process_ = await engine.exec(container, {
    args: command,
    env,
    user: flags.get('user')?.at(-1),
    workdir: flags.get('workdir')?.at(-1),
    terminal: flags.has('tty')
      ? { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 }
      : undefined,
  });
  if (process_.terminal !== undefined) {
    return relayTerminal(process_.terminal, process_.exited, interactive);
  }
  process_.stdout?.pipe(process.stdout);
  process_.stderr?.pipe(process.stderr);
  if (interactive && process_.stdin) process.stdin.pipe(process_.stdin);
  else process_.stdin?.end();
  const code = await process_.exited;
  process.stdin.unpipe();
  process.stdin.pause();
  return code;
}
