import type { Libc } from '../libc/libc.js';
import { spawnInit } from './spawn-init.js';
import { createWarmPool, type WarmPool } from './warm-pool.js';

/**
 * Container inits started in advance: each is already PID 1 of its own PID namespace
 * and blocked on its spec pipe, so a spec becomes a running program in milliseconds. A
 * pooled init exits by itself when its spec pipe closes, so none outlives its engine.
 */
export type InitPool = WarmPool;

/** `warmTracing`: the engine traces its starts, so each init compiles the recording code while it waits. */
export function createInitPool(libc: Libc, size: number, warmTracing = false): InitPool {
  return createWarmPool(
    () => spawnInit(libc, ['ignore', 'ignore', 'ignore'], { warmTracing }),
    size,
  );
}
