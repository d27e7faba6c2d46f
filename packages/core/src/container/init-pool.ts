import type { ChildProcess } from 'node:child_process';
import type { Libc } from '../libc/libc.js';
import { spawnInit } from './spawn-init.js';

/**
 * Container inits started before anyone asks for a container. Starting Node costs
 * ~86 ms; an init that is already PID 1 of its own PID namespace and blocked on its
 * spec pipe turns a spec into a running program in a few milliseconds. A process that
 * lives long (the agent) keeps `size` of them ready and starts a replacement after each
 * take, off the request's path. A pooled init exits by itself when its spec pipe closes,
 * so none outlives the process that made it.
 */
export interface InitPool {
  /** A ready init, or a freshly spawned one when the pool is empty. */
  take(): ChildProcess;
  /** Ends the waiting inits (they have run nothing yet). */
  close(): void;
}

export function createInitPool(libc: Libc, size: number): InitPool {
  const ready: ChildProcess[] = [];
  let closed = false;
  let refill: NodeJS.Immediate | undefined;

  const spawnIdle = () => {
    const child = spawnInit(libc, ['ignore', 'ignore', 'ignore']);
    child.once('exit', () => {
      const index = ready.indexOf(child);
      if (index >= 0) ready.splice(index, 1);
    });
    return child;
  };
  const fill = () => {
    refill = undefined;
    while (!closed && ready.length < size) ready.push(spawnIdle());
  };
  const scheduleFill = () => {
    if (!closed && !refill && size > 0) refill = setImmediate(fill);
  };
  scheduleFill();

  return {
    take() {
      const child = ready.shift() ?? spawnIdle();
      scheduleFill();
      return child;
    },
    close() {
      closed = true;
      if (refill) clearImmediate(refill);
      for (const child of ready.splice(0)) {
        (child.stdio[3] as NodeJS.WritableStream | null)?.end();
        child.kill('SIGKILL');
      }
    },
  };
}
