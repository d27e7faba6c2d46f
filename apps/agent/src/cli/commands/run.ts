import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';
import { containerFlagSpecs, containerOptionsUsage, specFromFlags } from '../container-flags.js';
import { parseFlags } from '../parse-flags.js';
import { relayTerminal } from '../terminal-relay.js';

export const runUsage = `Usage: cove run [OPTIONS] IMAGE [COMMAND] [ARG...]

Create and run a new container.

  -d, --detach             Run in the background and print the container's id
${containerOptionsUsage}`;

export async function run(engine: Engine, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('run', args, [
    { long: 'detach', short: 'd' },
    ...containerFlagSpecs,
  ]);
  if (flags.has('help')) {
    console.log(runUsage);
    return 0;
  }
  const [image, ...command] = rest;
  if (!image)
    throw new CoveError('cove run: an image is required: cove run [OPTIONS] IMAGE [COMMAND...]');
  const detach = flags.has('detach');
  if (detach && flags.has('rm')) {
    throw new CoveError(
      'cove run: --rm with -d needs the Cove agent to wait for the container; use one of them',
    );
  }
  const tty = flags.has('tty');
  if (tty && detach) {
    throw new CoveError(
      'cove run: -t with -d needs a process to hold the terminal: start it from the dashboard, or run it in the foreground',
    );
  }
  const spec = specFromFlags(flags, image, command);
  const size = { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
  const container = await engine.run(
    spec,
    detach
      ? { kind: 'log' }
      : tty
        ? { kind: 'terminal', ...size }
        : { kind: 'inherit', stdin: flags.has('interactive') },
  );
  if (detach) {
    console.log(container.id);
    container.detach();
    return 0;
  }
  if (container.terminal !== undefined) {
    return relayTerminal(container.terminal, container.exited, flags.has('interactive'));
  }
  // Like `docker run`'s signal proxy: what the CLI is sent, the container's PID 1 gets.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) {
    process.on(signal, () => process.kill(container.pid, signal));
  }
  return container.exited;
}
