import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoveError } from '../errors.js';
import { LOCK_EX, LOCK_NB, O_CREAT, O_RDWR } from '../libc/constants.js';
import { koffiLibc } from '../libc/koffi-libc.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';
import type { ImagePaths } from './image-paths.js';

const pollMs = 20;
const giveUpMs = 60_000;
/** The locks the current chain of async calls holds: a nested withImageLock runs at once. */
const heldLocks = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Runs `action` while holding the image store's lock, which orders the two steps that
 * must not interleave: committing an image (its layers are checked present, then its
 * name is written) and removing one (its name goes, then the layers no name needs).
 * The lock is flock(2) on the lock file: the kernel drops it when its holder's fd is
 * closed, by exit or by SIGKILL alike, so a dead holder never keeps it. Waiting polls
 * with a timer, so the event loop runs on meanwhile. Re-entrant within one chain of calls.
 */
export async function withImageLock<T>(
  paths: ImagePaths,
  action: () => T | Promise<T>,
  libc: Libc = koffiLibc,
): Promise<T> {
  const held = heldLocks.getStore() ?? new Set<string>();
  if (held.has(paths.lock)) return action();
  const fd = await acquire(libc, paths.lock);
  try {
    return await heldLocks.run(new Set([...held, paths.lock]), action);
  } finally {
    closeSync(fd);
  }
}

function ownerOf(lock: string): string {
  try {
    return readFileSync(lock, 'utf8').trim() || '?';
  } catch {
    return '?';
  }
}

/** Returns the lock file's fd, locked; it records the holder's pid, for the error of whoever waits. */
async function acquire(libc: Libc, lock: string): Promise<number> {
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  // Node opens with O_CLOEXEC: a process spawned while the lock is held does not hold it too.
  const fd = openSync(lock, O_RDWR | O_CREAT, 0o600);
  try {
    const deadline = Date.now() + giveUpMs;
    for (;;) {
      try {
        libc.flock(fd, LOCK_EX | LOCK_NB, lock);
        break;
      } catch (error) {
        if (!(error instanceof SyscallError && error.errno === constants.errno.EWOULDBLOCK)) {
          throw error;
        }
      }
      if (Date.now() > deadline) {
        throw new CoveError(`the image store is locked by process ${ownerOf(lock)} (${lock})`);
      }
      await sleep(pollMs);
    }
    ftruncateSync(fd);
    writeSync(fd, String(process.pid), 0);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
