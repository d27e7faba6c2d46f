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
    // The timer is cancelled once the race is decided: a pending one would keep a
    // short-lived process (the CLI) alive for the whole timeout.
    const cancel = new AbortController();
    const timer = sleep(timeoutMs, false, { signal: cancel.signal }).catch(() => false);
    const result = await Promise.race([exited.then(() => true), timer]);
    cancel.abort();
    return result;
  }
  const { pid, pidStartTime } = record.state;
  if (!pid) return true;
  for (let waited = 0; waited < timeoutMs; waited += 20) {
    if (!isSameProcessAlive(pid, pidStartTime)) return true;
    await sleep(20);
  }
  return !isSameProcessAlive(pid, pidStartTime);
}
