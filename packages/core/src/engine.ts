import type { ContainerRecord, ContainerSpecInput } from '@cove/shared';
import type { CgroupStats } from './cgroup/cgroup-manager.js';
import { readContainerStats } from './container/container-stats.js';
import { findRecord, listRecords } from './container/container-store.js';
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
  return {
    layout,
    run: (spec, io) => runContainer({ libc, layout }, spec, io),
    list: () => listRecords(layout).map((record) => refreshState(layout, record)),
    inspect: (reference) => refreshState(layout, findRecord(layout, reference)),
    remove: (reference, options) =>
      removeContainer(libc, layout, findRecord(layout, reference), options?.force ?? false),
    logPath: (reference) => containerPaths(layout, findRecord(layout, reference).id).log,
    stats: (reference) => readContainerStats(refreshState(layout, findRecord(layout, reference))),
    pause: (reference) => setPaused(layout, findRecord(layout, reference), true),
    unpause: (reference) => setPaused(layout, findRecord(layout, reference), false),
  };
}
