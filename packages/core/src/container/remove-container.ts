import type { ContainerRecord } from '@cove/shared';
import { CoveError } from '../errors.js';
import { SIGKILL } from '../libc/constants.js';
import { deleteContainerFiles } from './container-store.js';
import type { EngineContext } from './engine-context.js';
import { isSameProcessAlive } from './process-identity.js';
import { refreshState } from './refresh-state.js';
import { waitForExit } from './wait-for-exit.js';

/**
 * Removes a container's files and name. A running one is refused unless `force`, which
 * SIGKILLs its PID 1 (verified by start time, never a reused PID) and waits for it: the
 * kernel then kills every process of its PID namespace and drops its mounts.
 */
export async function removeContainer(
  context: EngineContext,
  found: ContainerRecord,
  force: boolean,
): Promise<void> {
  const { libc, layout, cgroupFor } = context;
  const record = refreshState(layout, found);
  const { pid, pidStartTime } = record.state;
  if ((record.state.status === 'running' || record.state.status === 'paused') && pid) {
    if (!force) {
      throw new CoveError(
        `container ${record.name} is running: stop it first, or remove it with rm -f`,
      );
    }
    if (record.state.status === 'paused') {
      await cgroupFor(record.id)
        .thaw()
        .catch(() => {});
    }
    context.stopping?.add(record.id);
    try {
      if (isSameProcessAlive(pid, pidStartTime)) libc.kill(pid, SIGKILL);
    } catch {}
    if (!(await waitForExit(context, record, 10_000))) {
      throw new CoveError(`container ${record.name} (pid ${pid}) did not die after SIGKILL`);
    }
  }
  await cgroupFor(record.id).remove();
  deleteContainerFiles(layout, record);
  context.stopping?.delete(record.id);
}
