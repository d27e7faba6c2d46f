import type { ContainerRecord } from '@cove/shared';
import type { CgroupStats } from '../cgroup/cgroup-manager.js';
import { CoveError } from '../errors.js';
import type { EngineContext } from './engine-context.js';

/** A container's cgroup reading; only running or paused containers have a cgroup. */
export async function readContainerStats(
  { cgroupFor }: EngineContext,
  record: ContainerRecord,
): Promise<CgroupStats> {
  if (record.state.status !== 'running' && record.state.status !== 'paused') {
    throw new CoveError(`container ${record.name} is ${record.state.status}: it has no live stats`);
  }
  return cgroupFor(record.id).stats();
}
