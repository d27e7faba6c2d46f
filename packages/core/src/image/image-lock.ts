import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { processStartTime } from '../container/process-identity.js';
import { CoveError } from '../errors.js';
import type { ImagePaths } from './image-paths.js';

const waitMs = 20;
const giveUpMs = 60_000;
const held = new Map<string, number>();

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ownerOf(lock: string): number | undefined {
  try {
    return Number(readFileSync(lock, 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `action` while holding the image store's lock, which orders the two steps that
 * must not interleave: committing an image (its layers are checked present, then its
 * name is written) and removing one (its name goes, then the layers no name needs).
 * The lock file is made with link(2), so it exists only with its owner's pid in it; a
 * lock whose owner died is taken over. Re-entrant within one process.
 */
export function withImageLock<T>(paths: ImagePaths, action: () => T): T {
  const depth = held.get(paths.lock) ?? 0;
  if (depth === 0) acquire(paths.lock);
  held.set(paths.lock, depth + 1);
  try {
    return action();
  } finally {
    held.set(paths.lock, depth);
    if (depth === 0) {
      held.delete(paths.lock);
      rmSync(paths.lock, { force: true });
    }
  }
}

function acquire(lock: string): void {
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    for (let waited = 0; ; waited += waitMs) {
      try {
        linkSync(mine, lock);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = ownerOf(lock);
      if (owner && processStartTime(owner) === undefined) {
        rmSync(lock, { force: true });
        continue;
      }
      if (waited > giveUpMs) {
        throw new CoveError(`the image store is locked by process ${owner ?? '?'} (${lock})`);
      }
      sleep(waitMs);
    }
  } finally {
    unlinkSync(mine);
  }
}
