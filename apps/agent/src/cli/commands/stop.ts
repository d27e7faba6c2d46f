import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';
import { parseFlags } from '../parse-flags.js';

function timeoutFlag(flags: Map<string, string[]>): number {
  const text = flags.get('time')?.at(-1) ?? '10';
  if (!/^\d+$/.test(text)) throw new CoveError(`--time takes whole seconds, not "${text}"`);
  return Number(text);
}

/** `cove stop [-t SECONDS]`: SIGTERM, then SIGKILL to every process after the grace period. */
export async function stop(engine: Engine, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('stop', args, [{ long: 'time', short: 't', value: true }]);
  if (!rest.length) throw new CoveError('cove stop: name at least one container');
  const timeout = timeoutFlag(flags);
  for (const reference of rest) {
    await engine.stop(reference, timeout);
    console.log(reference);
  }
  return 0;
}

/** `cove restart [-t SECONDS]`: stop, then start in the background. */
export async function restart(engine: Engine, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('restart', args, [{ long: 'time', short: 't', value: true }]);
  if (!rest.length) throw new CoveError('cove restart: name at least one container');
  const timeout = timeoutFlag(flags);
  for (const reference of rest) {
    if (engine.inspect(reference).spec.tty) {
      throw new CoveError(
        `cove restart: ${reference} has a terminal (-t): restart it from the dashboard`,
      );
    }
    const running = await engine.restart(reference, timeout);
    running.detach();
    console.log(reference);
  }
  return 0;
}

/** `cove kill [-s SIGNAL]`: a signal (default KILL) to each container's PID 1. */
export function kill(engine: Engine, args: string[]): number {
  const { flags, rest } = parseFlags('kill', args, [{ long: 'signal', short: 's', value: true }]);
  if (!rest.length) throw new CoveError('cove kill: name at least one container');
  for (const reference of rest) {
    engine.kill(reference, flags.get('signal')?.at(-1) ?? 'KILL');
    console.log(reference);
  }
  return 0;
}
