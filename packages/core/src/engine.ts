import type { ContainerRecord, ContainerSpecInput } from '@cove/shared';
import type { CgroupStats } from './cgroup/cgroup-manager.js';
import { createCgroupManager } from './cgroup/create-cgroup-manager.js';
import { type CgroupSetup, detectCgroupSetup } from './cgroup/detect.js';
import { readContainerStats } from './container/container-stats.js';
import { findRecord, listRecords } from './container/container-store.js';
import type { EngineContext } from './container/engine-context.js';
import { setPaused } from './container/pause-container.js';
import { refreshState } from './container/refresh-state.js';
import { removeContainer } from './container/remove-container.js';
import {
  type ContainerIo,
  type RunningContainer,
  runContainer,
} from './container/run-container.js';
import { koffiLibc } from './libc/koffi-libc.js';
import type { Libc } from './libc/libc.js';
import { containerPaths, type StoreLayout, storeLayout } from './store/store-layout.js';

export interface Engine {
  layout: StoreLayout;
  run(spec: ContainerSpecInput, io: ContainerIo): Promise<RunningContainer>;
  list(): ContainerRecord[];
  inspect(reference: string): ContainerRecord;
  remove(reference: string, options?: { force?: boolean }): Promise<void>;
  logPath(reference: string): string;
  stats(reference: string): Promise<CgroupStats>;
  pause(reference: string): Promise<void>;
  unpause(reference: string): Promise<void>;
}

/** The engine over one store root. `libc` is replaceable for tests that must not touch the kernel. */
export function createEngine({ root, libc = koffiLibc }: { root: string; libc?: Libc }): Engine {
  const layout = storeLayout(root);
  let setup: CgroupSetup | undefined;
  const context: EngineContext = {
    libc,
    layout,
    cgroupFor: (id) => {
      setup ??= detectCgroupSetup();
      return createCgroupManager({ name: id, setup });
    },
  };
  return {
    layout,
    run: (spec, io) => runContainer(context, spec, io),
    list: () => listRecords(layout).map((record) => refreshState(layout, record)),
    inspect: (reference) => refreshState(layout, findRecord(layout, reference)),
    remove: (reference, options) =>
      removeContainer(context, findRecord(layout, reference), options?.force ?? false),
    logPath: (reference) => containerPaths(layout, findRecord(layout, reference).id).log,
    stats: (reference) =>
      readContainerStats(context, refreshState(layout, findRecord(layout, reference))),
    pause: (reference) => setPaused(context, findRecord(layout, reference), true),
    unpause: (reference) => setPaused(context, findRecord(layout, reference), false),
  };
}
