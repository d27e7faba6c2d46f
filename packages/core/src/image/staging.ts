import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processStartTime } from '../container/process-identity.js';
import type { ImagePaths } from './image-paths.js';

const stagingPattern = /^(layer|import|pull|build|trash)-(\d+)-/;

/**
 * A private directory in the store's tmp for one piece of work, named after this
 * process: what a killed import or pull leaves behind is recognisable as garbage.
 */
export function createStaging(
  paths: ImagePaths,
  kind: 'layer' | 'import' | 'pull' | 'build' | 'trash',
): string {
  mkdirSync(paths.tmp, { recursive: true, mode: 0o700 });
  return mkdtempSync(join(paths.tmp, `${kind}-${process.pid}-`));
}

/** Deletes staging directories whose process is gone: interrupted imports and pulls. */
export function removeStaleStaging(paths: ImagePaths): void {
  let names: string[];
  try {
    names = readdirSync(paths.tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(stagingPattern.exec(name)?.[2]);
    if (pid && processStartTime(pid) === undefined) {
      rmSync(join(paths.tmp, name), { recursive: true, force: true });
    }
  }
}
