import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StartTrace, StartTraceSchema } from '@cove/shared';
import { replaceFile } from '../store/atomic-write.js';
import { containerPaths, type StoreLayout } from '../store/store-layout.js';

/** How many failed starts are kept, newest first, for `cove trace --failed` and the dashboard. */
export const FAILED_STARTS_KEPT = 20;

const lastTracePath = (layout: StoreLayout, id: string) =>
  join(containerPaths(layout, id).dir, 'start-trace.json');
const failedStartsPath = (layout: StoreLayout) => join(layout.root, 'failed-starts.json');

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // none yet, or torn by hand: a trace is never worth failing for
  }
}

/** The trace of a container's last start, kept beside its record (gone with it). */
export function readLastTrace(layout: StoreLayout, id: string): StartTrace | undefined {
  const parsed = StartTraceSchema.safeParse(readJson(lastTracePath(layout, id)));
  return parsed.success ? parsed.data : undefined;
}

export function readFailedStarts(layout: StoreLayout): StartTrace[] {
  const parsed = StartTraceSchema.array().safeParse(readJson(failedStartsPath(layout)));
  return parsed.success ? parsed.data : [];
}

/**
 * Keeps a start's trace: beside the container's record while it exists, and among the
 * failed starts (`failed`, the whole list) when it failed: a failed `run` leaves no
 * container to keep it by. Synchronous, so it never races a removal of the container's
 * directory.
 */
export function saveTrace(layout: StoreLayout, trace: StartTrace, failed?: StartTrace[]): void {
  if (failed) replaceFile(failedStartsPath(layout), JSON.stringify(failed));
  try {
    replaceFile(lastTracePath(layout, trace.containerId), JSON.stringify(trace));
  } catch {
    // The container was removed meanwhile (`--rm`, a failed run): nothing to keep it by.
  }
}
