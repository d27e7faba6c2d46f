import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';
import { imageImport } from './image-import.js';
import { images } from './images.js';
import { pull } from './pull.js';
import { rmi } from './rmi.js';

const usage = `Usage: cove image COMMAND

Manage images.

Commands:
  import    Import an image from an archive: cove image import FILE NAME[:TAG]
  ls        List images (same as cove images)
  pull      Download an image from a registry (same as cove pull)
  rm        Remove images (same as cove rmi)`;

export async function image(engine: Engine, args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'import':
      return imageImport(engine, rest);
    case 'ls':
    case 'list':
      return images(engine, rest);
    case 'pull':
      return pull(engine, rest);
    case 'rm':
    case 'remove':
      return rmi(engine, rest);
    case undefined:
    case '--help':
      console.log(usage);
      return command ? 0 : 1;
    default:
      throw new CoveError(`cove image: unknown command "${command}" (see cove image --help)`);
  }
}
