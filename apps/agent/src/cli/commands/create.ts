import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';
import { containerFlagSpecs, containerOptionsUsage, specFromFlags } from '../container-flags.js';
import { parseFlags } from '../parse-flags.js';

const usage = `Usage: cove create [OPTIONS] IMAGE [COMMAND] [ARG...]

Create a container without starting it (cove start starts it).

${containerOptionsUsage}`;

export function create(engine: Engine, args: string[]): number {
  const { flags, rest } = parseFlags('create', args, containerFlagSpecs);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const [image, ...command] = rest;
  if (!image)
    throw new CoveError('cove create: an image is required: cove create IMAGE [COMMAND...]');
  console.log(engine.create(specFromFlags(flags, image, command)).id);
  return 0;
}
