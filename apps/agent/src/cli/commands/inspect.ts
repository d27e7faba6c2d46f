import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';

export function inspect(engine: Engine, args: string[]): number {
  if (!args.length) throw new CoveError('cove inspect: name at least one container');
  console.log(
    JSON.stringify(
      args.map((reference) => engine.inspect(reference)),
      null,
      2,
    ),
  );
  return 0;
}
