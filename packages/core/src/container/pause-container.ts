import type { ContainerRecord } from '@cove/shared';
import { createCgroupManager } from '../cgroup/create-cgroup-manager.js';
import { CoveError } from '../errors.js';
import type { StoreLayout } from '../store/store-layout.js';
import { writeRecord } from './container-store.js';
import { refreshState } from './refresh-state.js';

/**
 * Pause freezes every process of the container through its cgroup's freezer (v2
 * cgroup.freeze, v1 freezer.state): they stop where they are, holding their memory,
 * until unpause thaws them. Nothing is signalled, so the program cannot tell.
 */
export async function setPaused(
  layout: StoreLayout,
  found: ContainerRecord,
  paused: boolean,
): Promise<void> {
  const record = refreshState(layout, found);
  const expected = paused ? 'running' : 'paused';
  if (record.state.status !== expected) {
    throw new CoveError(`container ${record.name} is ${record.state.status}, not ${expected}`);
  }
  const cgroup = createCgroupManager({ name: record.id });
  await (paused ? cgroup.freeze() : cgroup.thaw());
  writeRecord(layout, {
    ...record,
    state: { ...record.state, status: paused ? 'paused' : 'running' },
  });
}
