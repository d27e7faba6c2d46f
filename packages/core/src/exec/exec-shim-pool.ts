import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const shimScript = fileURLToPath(new URL('./exec-shim-main.js', import.meta.url));

/**
 * Exec shims started in advance, like the init pool: Node's start-up is paid before an
 * exec is asked for, so an exec costs a spec write, a few setns and one spawn.
 */
export interface ExecShimPool {
  take(): ChildProcess;
  close(): void;
}

/** A shim: its own session (for a terminal), stdio pipes to the engine, spec and report pipes. */
export function spawnExecShim(): ChildProcess {
  return spawn(process.execPath, [shimScript], {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
    env: {},
  });
}

export function createExecShimPool(size: number): ExecShimPool {
  const ready: ChildProcess[] = [];
  let closed = false;
  let refill: NodeJS.Immediate | undefined;
  const spawnIdle = () => {
    const child = spawnExecShim();
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
      for (const child of ready.splice(0)) child.kill('SIGKILL');
    },
  };
}
