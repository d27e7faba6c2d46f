import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoveError } from '../errors.js';
import { LOCK_EX, LOCK_NB, O_DIRECTORY, O_RDONLY } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';

const pollMs = 20;
const giveUpMs = 60_000;

/**
 * flock(2) on the container's directory, for the length of one operation: two processes
 * sharing a store (two agents, a test beside an agent) then take turns on a container as
 * one engine's operations do. The kernel drops the lock when the holder's fd closes, by
 * exit or SIGKILL alike. Polled with a timer, so the event loop runs on. A directory that
 * is gone needs no lock: the operation finds no container and says so. Returns the unlock.
 */
export async function lockContainer(libc: Libc, dir: string): Promise<() => void> {
  let fd: number;
  try {
    // Node opens with O_CLOEXEC: an init spawned meanwhile does not hold the lock too.
    fd = openSync(dir, O_RDONLY | O_DIRECTORY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return () => {};
    throw error;
  }
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    try {
      libc.flock(fd, LOCK_EX | LOCK_NB, dir);
      return () => closeSync(fd);
    } catch (error) {
      if (!(error instanceof SyscallError && error.errno === constants.errno.EWOULDBLOCK)) {
        closeSync(fd);
        throw error;
      }
    }
    if (Date.now() > deadline) {
      closeSync(fd);
      throw new CoveError(
        `container ${dir} is locked by another process's operation for over a minute`,
      );
    }
    await sleep(pollMs);
  }
}
