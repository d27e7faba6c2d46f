import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerRecord } from '@cove/shared';
import type { EngineContext } from './engine-context.js';
import { isSameProcessAlive } from './process-identity.js';

/**
 * Waits until a container's PID 1 has gone, up to `timeoutMs`; true if it has. When
 * this engine started it, it waits for the exit to be recorded, so the record read
 * afterwards holds the exit code. A container adopted from an earlier agent is not our
 * child: its PID (checked with its start time) is watched instead.
 */
export async function waitForExit(
  { running }: EngineContext,
  record: ContainerRecord,
  timeoutMs: number,
): Promise<boolean> {
  const exited = running?.get(record.id);
  if (exited) {
    const timer = sleep(timeoutMs, false);
    return Promise.race([exited.then(() => true), timer]);
  }
  const { pid, pidStartTime } = record.state;
  if (!pid) return true;
  for (let waited = 0; waited < timeoutMs; waited += 20) {
    if (!isSameProcessAlive(pid, pidStartTime)) return true;
    await sleep(20);
  }
  return !isSameProcessAlive(pid, pidStartTime);
}
