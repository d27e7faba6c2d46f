/**
 * How the engine starts its helper processes (container inits, exec shims). Each joins a
 * container's cgroup with every thread it has, and every thread counts against the
 * container's pids.max. They run a few milliseconds of JavaScript, so one V8 worker and
 * one libuv pool thread (the ES module loader reads files through the pool) are plenty:
 * 4 threads where a default Node has 11.
 */
export const leanNode = ['--v8-pool-size=1'];

/** The helpers' whole environment: a container's is built from its spec, never inherited. */
export const leanNodeEnv = { UV_THREADPOOL_SIZE: '1' };
