import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';

/**
 * `cove start`: starts created or exited containers in the background, their output
 * going to their logs. A container with a terminal (-t) needs a process to hold that
 * terminal for as long as it runs: the agent (the dashboard, or its API).
 */
export async function start(engine: Engine, args: string[]): Promise<number> {
  if (!args.length) throw new CoveError('cove start: name at least one container');
  for (const reference of args) {
    const record = engine.inspect(reference);
    if (record.spec.tty) {
      throw new CoveError(
        `cove start: container ${record.name} has a terminal (-t): start it from the dashboard or the agent's API, which holds its terminal`,
      );
    }
    const running = await engine.start(reference, { kind: 'log' });
    running.detach();
    console.log(reference);
  }
  return 0;
}
