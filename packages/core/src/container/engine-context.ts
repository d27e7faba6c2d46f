import type { CgroupManager } from '../cgroup/cgroup-manager.js';
import type { ExecShimPool } from '../exec/exec-shim-pool.js';
import type { ShimCgroup } from '../exec/shim-cgroup.js';
import type { Libc } from '../libc/libc.js';
import type { ContainerLogger } from '../logs/container-logger.js';
import type { NetworkContext } from '../network/network-options.js';
import type { StoreLayout } from '../store/store-layout.js';
import type { ContainerOperations } from './container-operations.js';
import type { InitPool } from './init-pool.js';

/** What every container operation works with: the kernel, the store, and cgroups. */
export interface EngineContext {
  libc: Libc;
  layout: StoreLayout;
  /** The cgroup of container `id`, on a host setup detected once per engine, not per call. */
  cgroupFor(id: string): CgroupManager;
  /** Warm inits, in a long-lived process (the agent); without one, each start spawns. */
  initPool?: InitPool;
  /** Warm exec shims, likewise. */
  execPool?: ExecShimPool;
  /** Where exec shims wait once their process has started (see shim-cgroup.ts). */
  shimCgroup: ShimCgroup;
  /** The starts in progress, by id: aborting one cuts it short (`rm -f`). */
  starting?: Map<string, AbortController>;
  /** Exit of each container this engine started (its child), by id. */
  running?: Map<string, Promise<number>>;
  /** The logger of each container whose output this process reads, by id. */
  loggers?: Map<string, ContainerLogger>;
  /** One operation at a time per container (start, stop, remove...). */
  operations: ContainerOperations;
  /** How long a start may take from the init's spawn to its execve, in ms. */
  startTimeoutMs?: number;
  /** Containers being stopped on purpose: their restart policy does not apply. */
  stopping?: Set<string>;
  /** The default network mode, the bridge's subnet, and the bridge once it is ready. */
  network: NetworkContext;
}
