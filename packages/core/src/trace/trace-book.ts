import type { StartTrace } from '@cove/shared';
import type { StoreLayout } from '../store/store-layout.js';
import type { PendingTrace } from './start-tracer.js';
import { FAILED_STARTS_KEPT, readFailedStarts, readLastTrace, saveTrace } from './trace-store.js';

/** Traces kept in memory by container id, for containers already removed (`run --rm`). */
const REMEMBERED = 200;

/**
 * The traces an engine keeps: each container's last start (in memory, and beside its
 * record so an agent restart finds it) and the last failed starts (likewise, in the
 * store). Written after the start has answered, off the start's path.
 */
export interface TraceBook {
  keep(trace: PendingTrace): void;
  /** From memory only: a removed container's, by its full id. */
  remembered(id: string): StartTrace | undefined;
  /** An existing container's, by its id (never a user's text: it makes a path). */
  last(id: string): StartTrace | undefined;
  failed(): StartTrace[];
  /** Resolves once every trace kept so far is on disk. */
  settled(): Promise<void>;
}

type Kept = StartTrace | PendingTrace;
const built = (kept: Kept): StartTrace => ('build' in kept ? kept.build() : kept);

export function createTraceBook(layout: StoreLayout): TraceBook {
  const last = new Map<string, Kept>();
  let failed: Kept[] | undefined;
  let writing: Promise<void> = Promise.resolve();
  const failedStarts = () => {
    failed ??= readFailedStarts(layout);
    return failed;
  };
  return {
    keep(trace) {
      last.delete(trace.containerId);
      last.set(trace.containerId, trace);
      if (last.size > REMEMBERED) last.delete(last.keys().next().value as string);
      // The failed starts' file is read and rewritten only for a start that failed.
      if (trace.failed) failed = [trace, ...failedStarts()].slice(0, FAILED_STARTS_KEPT);
      const failedNow = trace.failed ? failed : undefined;
      // After the start has answered; `settled` lets a closing engine wait for it.
      writing = new Promise((resolve) =>
        setImmediate(() => {
          try {
            saveTrace(layout, trace.build(), failedNow?.map(built));
          } catch {
            // A store that cannot take a trace still starts containers.
          }
          resolve();
        }),
      );
    },
    remembered(id) {
      const kept = last.get(id);
      return kept && built(kept);
    },
    last(id) {
      const kept = last.get(id);
      return kept ? built(kept) : readLastTrace(layout, id);
    },
    failed: () => failedStarts().map(built),
    settled: () => writing,
  };
}
