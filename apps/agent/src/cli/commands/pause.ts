import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';

export async function pause(engine: Engine, args: string[], paused: boolean): Promise<number> {
  const verb = paused ? 'pause' : 'unpause';
  if (!args.length) throw new CoveError(`cove ${verb}: name at least one container`);
  for (const reference of args) {
    await (paused ? engine.pause(reference) : engine.unpause(reference));
    console.log(reference);
  }
  return 0;
}
