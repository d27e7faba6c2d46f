import type { Engine } from '@cove/core';
import { CoveError, removeImage } from '@cove/core';
import { parseFlags } from '../parse-flags.js';

const usage = `Usage: cove rmi IMAGE [IMAGE...]

Remove images, and the layers no other image needs. An image a container (running or
not) was made from is kept until the container is removed.`;

export function rmi(engine: Engine, args: string[]): number {
  const { flags, rest } = parseFlags('rmi', args, [{ long: 'help' }]);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  if (!rest.length) throw new CoveError('cove rmi: name at least one image');
  let failed = 0;
  for (const reference of rest) {
    try {
      const removed = removeImage(engine.layout, reference);
      console.log(`Untagged: ${removed.reference}`);
      for (const layer of removed.removedLayers) console.log(`Deleted: ${layer}`);
    } catch (error) {
      console.error(`cove: ${(error as Error).message}`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
