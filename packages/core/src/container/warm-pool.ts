import type { ChildProcess } from 'node:child_process';

/**
 * Processes started before anyone asks for one: Node's start-up (~86 ms here) is paid
 * ahead, off the request's path. `take` hands out a ready one (or starts one now when
 * none is ready); `refill` starts the replacements, which the taker calls once the part
 * of its work someone waits for is done: a spawn blocks this thread for milliseconds and
 * a Node start-up takes ~100 ms of CPU, which on a 2-core machine the process just taken
 * needs too.
 */
export interface WarmPool {
  take(): ChildProcess;
  refill(): void;
  /** Ends the waiting processes: they have run nothing yet. */
  close(): void;
}

export function createWarmPool(spawnIdle: () => ChildProcess, size: number): WarmPool {
  const ready: ChildProcess[] = [];
  let closed = false;
  let refill: NodeJS.Immediate | undefined;
  const spawnTracked = () => {
    const child = spawnIdle();
    child.once('exit', () => {
      const index = ready.indexOf(child);
      if (index >= 0) ready.splice(index, 1);
    });
    return child;
  };
  const fill = () => {
    refill = undefined;
    while (!closed && ready.length < size) ready.push(spawnTracked());
  };
  const scheduleFill = () => {
    if (!closed && !refill && size > 0) refill = setImmediate(fill);
  };
  scheduleFill();
  return {
    take() {
      return ready.shift() ?? spawnTracked();
    },
    refill: scheduleFill,
    close() {
      closed = true;
      if (refill) clearImmediate(refill);
      for (const child of ready.splice(0)) child.kill('SIGKILL');
    },
  };
}
