import type { ContainerRecord } from '@cove/shared';
import { CoveError } from '../errors.js';
import { writeRecord } from './container-store.js';
import type { EngineContext } from './engine-context.js';
import { refreshState } from './refresh-state.js';

/**
 * Pause freezes every process of the container through its cgroup's freezer (v2
 * cgroup.freeze, v1 freezer.state): they stop where they are, holding their memory,
 * until unpause thaws them. Nothing is signalled, so the program cannot tell.
 */
export async function setPaused(
  { layout, cgroupFor }: EngineContext,
  found: ContainerRecord,
  paused: boolean,
): Promise<void> {
  const record = refreshState(layout, found);
  const expected = paused ? 'running' : 'paused';
  if (record.state.status !== expected) {
    throw new CoveError(`container ${record.name} is ${record.state.status}, not ${expected}`);
  }
  const cgroup = cgroupFor(record.id);
  await (paused ? cgroup.freeze() : cgroup.thaw());
  writeRecord(layout, {
    ...record,
    state: { ...record.state, status: paused ? 'paused' : 'running' },
  });
}
