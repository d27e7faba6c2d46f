import type { Libc } from '../libc/libc.js';
import type { TraceRecorder } from './trace-recorder.js';

const recorders = new WeakMap<Libc, TraceRecorder>();

/** The recorder behind a traced libc; undefined for the real one, at the cost of a lookup. */
export const recorderOf = (libc: Libc): TraceRecorder | undefined => recorders.get(libc);

/** Calls after which a process may not write to its pipes: see `beforeLastCalls`. */
const lastCalls = new Set(['seccompSetModeFilter', 'execve']);

/**
 * The same calls, each recorded in `recorder` with its arguments, result or errno and
 * time. A start that is not traced never builds one, so the real layer stays as fast as
 * it is. `beforeLastCalls` runs once, before the first of seccomp(2) and execve(2): a
 * user's seccomp profile may refuse write(2), and a successful execve never returns, so
 * what the process recorded must leave it then; those calls are recorded as begun.
 */
export function traceLibc(
  inner: Libc,
  recorder: TraceRecorder,
  beforeLastCalls?: () => void,
): Libc {
  let told = false;
  const traced = {} as Record<string, unknown>;
  for (const [method, implementation] of Object.entries(inner)) {
    if (typeof implementation !== 'function' || method === 'strerror') {
      traced[method] = implementation;
      continue;
    }
    const real = (...args: unknown[]) => implementation.apply(inner, args);
    traced[method] = lastCalls.has(method)
      ? (...args: unknown[]) => {
          const call = recorder.beginCall(method, args);
          call.inferred = 'begun';
          if (!told) {
            told = true;
            beforeLastCalls?.();
          }
          try {
            return recorder.finish(call, () => real(...args));
          } finally {
            delete call.inferred;
          }
        }
      : (...args: unknown[]) => recorder.call(method, args, () => real(...args));
  }
  const libc = traced as unknown as Libc;
  recorders.set(libc, recorder);
  return libc;
}
