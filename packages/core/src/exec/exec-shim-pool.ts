import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createWarmPool, type WarmPool } from '../container/warm-pool.js';
import { leanNode, leanNodeEnv } from '../process/lean-node.js';

const shimScript = fileURLToPath(new URL('./exec-shim-main.js', import.meta.url));

/**
 * Exec shims started in advance, like the init pool: Node's start-up is paid before an
 * exec is asked for, so an exec costs a spec write, a few setns and one spawn.
 */
export type ExecShimPool = WarmPool;

/** A shim: its own session (for a terminal), stdio pipes to the engine, spec and report pipes. */
export function spawnExecShim(): ChildProcess {
  return spawn(process.execPath, [...leanNode, shimScript], {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
    env: leanNodeEnv,
  });
}

export function createExecShimPool(size: number): ExecShimPool {
  return createWarmPool(spawnExecShim, size);
}
