import type { ContainerRecord } from '@cove/shared';
import { CoveError } from '../errors.js';
import { SIGKILL, SIGTERM } from '../libc/constants.js';
import { findRecordById } from './container-store.js';
import type { EngineContext } from './engine-context.js';
import { refreshState } from './refresh-state.js';
import { signalContainer } from './signal-container.js';
import { waitForExit } from './wait-for-exit.js';

/**
 * `cove stop`: SIGTERM to PID 1, then after the grace period SIGKILL to every process
 * of the cgroup. A stopped container is left as it is. Returns the record after the exit.
 */
export async function stopContainer(
  context: EngineContext,
  found: ContainerRecord,
  timeoutSeconds: number,
): Promise<ContainerRecord> {
  const { layout, cgroupFor } = context;
  const record = refreshState(layout, found);
  if (record.state.status !== 'running' && record.state.status !== 'paused') return record;
  context.stopping?.add(record.id);
  try {
    const cgroup = cgroupFor(record.id);
    // A frozen process cannot act on SIGTERM; thaw it so it can exit cleanly.
    if (record.state.status === 'paused') await cgroup.thaw();
    signalContainer(context, record, SIGTERM);
    if (!(await waitForExit(context, record, timeoutSeconds * 1000))) {
      await cgroup.killAll().catch(() => signalContainer(context, record, SIGKILL));
      if (!(await waitForExit(context, record, 10_000))) {
        throw new CoveError(`container ${record.name} did not die after SIGKILL`);
      }
    }
    // Whoever started it may be gone (the CLI, an earlier agent): nobody else would
    // remove the emptied cgroup. Removing is idempotent.
    await cgroup.remove().catch(() => {});
  } finally {
    context.stopping?.delete(record.id);
  }
  return refreshState(layout, findRecordById(layout, record.id));
}
