export * from './cgroup/index.js';
export type { ContainerIo, RunningContainer } from './container/run-container.js';
export { createEngine, type Engine } from './engine.js';
export { CoveError, exitCodeOf } from './errors.js';
export type { CapabilitySets, Libc, OpenHow } from './libc/libc.js';
export { SyscallError } from './libc/syscall-error.js';
