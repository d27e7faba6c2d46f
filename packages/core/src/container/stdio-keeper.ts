import { spawn } from 'node:child_process';
import type { ContainerKeeper } from '@cove/shared';
import { F_DUPFD_CLOEXEC, SIGKILL } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { processStartTime, withVerifiedProcess } from './process-identity.js';

/**
 * A container's terminal and output pipes live in the kernel only as long as some
 * process holds them open. The agent holds them while it runs; when it stops or crashes,
 * the last holder goes, and:
 * - a terminal's master closes, so the kernel hangs up the container's terminal and its
 *   shell dies of SIGHUP;
 * - a pipe whose writers have all exited is dropped with whatever it still held.
 *
 * So each container gets a keeper: a host process that does nothing but hold a copy of
 * those fds (conmon's job in podman, done by `sleep infinity` here: a Node process would
 * cost 40 MB per container). The next agent takes the terminal's master back from it
 * with pidfd_getfd(2), and reads the pipes by their paths; the keeper ends when the
 * container's output has been read to its end.
 *
 * The keeper leads its own session and is nobody's child once the agent is gone; it is
 * identified by PID and start time, like a container's PID 1. Its environment names its
 * store and container: a keeper whose record never learnt of it (an agent killed between
 * the spawn and the record's write) is found and ended by the next agent (see
 * orphan-keepers.ts) instead of sleeping forever.
 */

/** Where a keeper holds what it was given: fd 3, 4, … in that order. */
export const KEEPER_FIRST_FD = 3;

const keeperProgram = '/bin/sleep';
/** The name a keeper runs under: `ps` shows it, and orphan-keepers.ts looks for it. */
export const KEEPER_ARGV0 = 'cove-keeper';
/** Its environment says whose it is, so that one no record names can be found. */
export const KEEPER_STORE_ENV = 'COVE_KEEPER_STORE';
export const KEEPER_CONTAINER_ENV = 'COVE_KEEPER_CONTAINER';

/** Whose keeper: the store (its root) and the container. */
export interface KeeperOwner {
  store: string;
  containerId: string;
}

export function spawnKeeper(fds: number[], owner: KeeperOwner): ContainerKeeper | undefined {
  const child = spawn(keeperProgram, ['infinity'], {
    argv0: KEEPER_ARGV0,
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', ...fds],
    env: { [KEEPER_STORE_ENV]: owner.store, [KEEPER_CONTAINER_ENV]: owner.containerId },
  });
  child.on('error', () => {}); // no /bin/sleep: the container runs, without a keeper
  child.unref();
  const pid = child.pid;
  const startTime = pid ? processStartTime(pid) : undefined;
  return pid && startTime ? { pid, startTime } : undefined;
}

/**
 * Copies of `fds` now, and a keeper for them on the next turn of the event loop: a spawn
 * costs a few milliseconds that a container's start need not wait for. The copies stay
 * valid whatever the caller does with its own fds meanwhile. `stillNeeded` is asked
 * first: a container that already ended needs no keeper. (An agent killed within that
 * turn leaves the container without one: its terminal hangs up, as before keepers.)
 * The keeper's environment says whose it is (see orphan-keepers.ts).
 */
export function keepSoon(
  libc: Libc,
  fds: number[],
  owner: KeeperOwner,
  stillNeeded: () => boolean,
): Promise<ContainerKeeper | undefined> {
  const copies = fds.map((fd) => libc.fcntl(fd, F_DUPFD_CLOEXEC, KEEPER_FIRST_FD));
  return new Promise((resolve) =>
    setImmediate(() => {
      try {
        resolve(stillNeeded() ? spawnKeeper(copies, owner) : undefined);
      } finally {
        for (const fd of copies) libc.close(fd);
      }
    }),
  );
}

/** Acts on the keeper only while its PID still names it (see withVerifiedProcess). */
function withKeeper<T>(
  libc: Libc,
  keeper: ContainerKeeper,
  use: (pidfd: number) => T,
): T | undefined {
  return withVerifiedProcess(libc, keeper.pid, keeper.startTime, use);
}

/** A copy of the terminal master the keeper holds, or undefined if it is gone. */
export function takeTerminalFromKeeper(libc: Libc, keeper: ContainerKeeper): number | undefined {
  return withKeeper(libc, keeper, (pidfd) => libc.pidfdGetfd(pidfd, KEEPER_FIRST_FD));
}

/** Ends a keeper; one already gone is fine. */
export function endKeeper(libc: Libc, keeper: ContainerKeeper | undefined): void {
  if (!keeper) return;
  withKeeper(libc, keeper, (pidfd) => {
    try {
      libc.pidfdSendSignal(pidfd, SIGKILL);
    } catch {}
  });
}
