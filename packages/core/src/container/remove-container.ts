import type { ContainerRecord } from '@cove/shared';
import { CoveError } from '../errors.js';
import { SIGKILL } from '../libc/constants.js';
import { releaseNetwork } from './container-network.js';
import { deleteContainerFiles, writeRecord } from './container-store.js';
import type { EngineContext } from './engine-context.js';
import { signalVerifiedProcess } from './process-identity.js';
import { refreshState } from './refresh-state.js';
import { endKeeper } from './stdio-keeper.js';
import { waitForExit } from './wait-for-exit.js';

/**
 * Removes a container's files and name. A running one is refused unless `force`, which
 * SIGKILLs its PID 1 (verified by start time, never a reused PID) and waits for it: the
 * kernel then kills every process of its PID namespace and drops its mounts.
 *
 * The record says `removing` from the first step on, so nothing starts or execs into a
 * container on its way out, and an engine that crashed half-way finishes the job at its
 * next reconcile instead of showing a container with half its files.
 */
export async function removeContainer(
  context: EngineContext,
  found: ContainerRecord,
  force: boolean,
): Promise<void> {
  const { libc, layout, cgroupFor } = context;
  const record = refreshState(layout, found);
  const { pid, pidStartTime } = record.state;
  const alive = record.state.status === 'running' || record.state.status === 'paused';
  if (alive && pid && !force) {
    throw new CoveError(
      `container ${record.name} is running: stop it first, or remove it with rm -f`,
    );
  }
  const wasPaused = record.state.status === 'paused';
  context.stopping?.add(record.id);
  writeRecord(layout, { ...record, state: { ...record.state, status: 'removing' } });
  // A record already `removing` (a removal cut short) may still name a live PID 1.
  if ((alive || record.state.status === 'removing') && pid) {
    if (wasPaused) {
      await cgroupFor(record.id)
        .thaw()
        .catch(() => {});
    }
    try {
      signalVerifiedProcess(libc, pid, pidStartTime, SIGKILL);
    } catch {}
    if (!(await waitForExit(context, record, 10_000))) {
      throw new CoveError(`container ${record.name} (pid ${pid}) did not die after SIGKILL`);
    }
  }
  endKeeper(libc, record.state.keeper);
  await cgroupFor(record.id).remove();
  // A container an earlier agent started has no exit handler here to give these back.
  await releaseNetwork(context, record);
  deleteContainerFiles(layout, record);
  context.stopping?.delete(record.id);
}
