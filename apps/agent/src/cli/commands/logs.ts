import { createReadStream, existsSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';

export async function logs(engine: Engine, args: string[]): Promise<number> {
  const [reference] = args;
  if (!reference || args.length > 1) throw new CoveError('cove logs: name one container');
  const path = engine.logPath(reference);
  if (existsSync(path)) await pipeline(createReadStream(path), process.stdout, { end: false });
  return 0;
}
