import type { CgroupManager } from '../cgroup/cgroup-manager.js';
import type { Libc } from '../libc/libc.js';
import type { StoreLayout } from '../store/store-layout.js';

/** What every container operation works with: the kernel, the store, and cgroups. */
export interface EngineContext {
  libc: Libc;
  layout: StoreLayout;
  /** The cgroup of container `id`, on a host setup detected once per engine, not per call. */
  cgroupFor(id: string): CgroupManager;
}
