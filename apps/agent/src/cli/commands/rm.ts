import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

const flagSpecs: FlagSpec[] = [{ long: 'force', short: 'f' }];

export async function rm(engine: Engine, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('rm', args, flagSpecs);
  if (!rest.length) throw new CoveError('cove rm: name at least one container');
  let failed = 0;
  for (const reference of rest) {
    try {
      await engine.remove(reference, { force: flags.has('force') });
      console.log(reference);
    } catch (error) {
      console.error(`cove: ${(error as Error).message}`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
