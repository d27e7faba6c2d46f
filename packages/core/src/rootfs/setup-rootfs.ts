import type { TmpfsMount, Volume } from '@cove/shared';
import type { DeviceNode } from '../container/device-mappings.js';
import { MS_BIND, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { type StepNotes, step } from '../trace/trace-step.js';
import { deviceNodesStep, makeDeviceNodes } from './device-nodes.js';
import {
  makeReadonly,
  maskPaths,
  maskStep,
  readonlyPaths,
  readonlyPathsStep,
} from './mask-paths.js';
import { devStep, mountDev } from './mount-dev.js';
import { mountOverlay, type OverlayLayout, overlayStep } from './mount-overlay.js';
import { mountProc, procStep } from './mount-proc.js';
import { mountSys, sysStep } from './mount-sys.js';
import { mountTmpfs, tmpfsStep } from './mount-tmpfs.js';
import { detachOldRoot, detachOldRootStep, pivotRoot, pivotRootStep } from './pivot-root.js';
import { openRootDirectory } from './safe-path.js';
import { bindVolume, volumeStep } from './volumes.js';

export interface RootfsPlan {
  overlay: OverlayLayout;
  volumes: Volume[];
  /** `--tmpfs` mounts, made after the volumes. */
  tmpfs: TmpfsMount[];
  /** `--device` nodes, made in the fresh /dev. */
  devices: DeviceNode[];
  /** `--read-only`: the root is made read-only once the init is in its working directory. */
  readOnly: boolean;
}

/**
 * Builds the container's filesystem in its new mount namespace and switches to it.
 * Every mount made here exists only in that namespace: the host never sees one, and the
 * kernel takes them all down when the container's last process exits.
 */
export function setupRootfs(libc: Libc, plan: RootfsPlan): void {
  step(libc, privateRootStep, () => libc.mount(null, '/', null, MS_REC | MS_PRIVATE, null));
  step(libc, overlayStep, () => mountOverlay(libc, plan.overlay));
  const rootFd = openRootDirectory(libc, plan.overlay.mountPoint);
  try {
    step(libc, procStep, () => mountProc(libc, rootFd));
    step(libc, devStep, () => mountDev(libc, rootFd));
    if (plan.devices.length) {
      step(libc, deviceNodesStep, () => makeDeviceNodes(libc, rootFd, plan.devices));
    }
    step(libc, sysStep, () => mountSys(libc, rootFd));
    for (const volume of plan.volumes) {
      const doing = `mounting volume ${volume.source}:${volume.target}`;
      step(libc, { ...volumeStep, doing }, () => bindVolume(libc, rootFd, volume));
    }
    for (const tmpfs of plan.tmpfs) {
      const doing = `mounting tmpfs ${tmpfs.target}`;
      step(libc, { ...tmpfsStep, doing }, () => mountTmpfs(libc, rootFd, tmpfs));
    }
    step(libc, maskStep, () => maskPaths(libc, rootFd, '/dev/null'));
    step(libc, readonlyPathsStep, () => makeReadonly(libc, rootFd, readonlyPaths));
    step(libc, pivotRootStep, () => pivotRoot(libc, rootFd));
  } finally {
    libc.close(rootFd);
  }
  step(libc, detachOldRootStep, () => detachOldRoot(libc));
}

export const privateRootStep: StepNotes = {
  id: 'private-root',
  group: 'root filesystem',
  title: 'Mounts made private',
  why: "Make / private or the mounts leak to the host: / is a shared mount on most hosts, and every mount made below it would propagate back to the host's namespace.",
  byHand: 'mount --make-rprivate /',
  doing: 'making / private',
};

export const readOnlyRootStep: StepNotes = {
  id: 'read-only-root',
  group: 'root filesystem',
  title: 'The root made read-only (--read-only)',
  why: 'A bind remount changes this one mount: /dev, /proc, the volumes and the tmpfs mounts keep their own flags.',
  byHand: 'mount -o remount,bind,ro /',
  doing: 'making the root filesystem read-only',
};

/**
 * `--read-only`: the root's mount becomes read-only (a bind remount changes this mount
 * only: /dev, /proc, the volumes and the tmpfs mounts keep their own flags). Runs after
 * pivot_root, once the init no longer needs to create anything in the root.
 */
export function makeRootReadonly(libc: Libc): void {
  step(libc, readOnlyRootStep, () =>
    libc.mount(null, '/', null, MS_REMOUNT | MS_BIND | MS_RDONLY, null),
  );
}
