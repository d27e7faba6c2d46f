import type { StartTrace } from '@cove/shared';
import type { StoreLayout } from '../store/store-layout.js';
import { FAILED_STARTS_KEPT, readFailedStarts, readLastTrace, saveTrace } from './trace-store.js';

/** Traces kept in memory by container id, for containers already removed (`run --rm`). */
const REMEMBERED = 200;

/**
 * The traces an engine keeps: each container's last start (in memory, and beside its
 * record so an agent restart finds it) and the last failed starts (likewise, in the
 * store). Written after the start has answered, off the start's path.
 */
export interface TraceBook {
  keep(trace: StartTrace): void;
  /** From memory only: a removed container's, by its full id. */
  remembered(id: string): StartTrace | undefined;
  /** An existing container's, by its id (never a user's text: it makes a path). */
  last(id: string): StartTrace | undefined;
  failed(): StartTrace[];
}

export function createTraceBook(layout: StoreLayout): TraceBook {
  const last = new Map<string, StartTrace>();
  let failed: StartTrace[] | undefined;
  const failedStarts = () => {
    failed ??= readFailedStarts(layout);
    return failed;
  };
  return {
    keep(trace) {
      last.delete(trace.containerId);
      last.set(trace.containerId, trace);
      if (last.size > REMEMBERED) last.delete(last.keys().next().value as string);
      if (trace.error) failed = [trace, ...failedStarts()].slice(0, FAILED_STARTS_KEPT);
      const failedNow = failedStarts();
      setImmediate(() => saveTrace(layout, trace, failedNow));
    },
    remembered: (id) => last.get(id),
    last: (id) => last.get(id) ?? readLastTrace(layout, id),
    failed: failedStarts,
  };
}
