import type { TmpfsMount, Volume } from '@cove/shared';
import type { DeviceNode } from '../container/device-mappings.js';
import { withContext } from '../errors.js';
import { MS_BIND, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { makeDeviceNodes } from './device-nodes.js';
import { makeReadonly, maskPaths, readonlyPaths } from './mask-paths.js';
import { mountDev } from './mount-dev.js';
import { mountOverlay, type OverlayLayout } from './mount-overlay.js';
import { mountProc } from './mount-proc.js';
import { mountSys } from './mount-sys.js';
import { mountTmpfs } from './mount-tmpfs.js';
import { pivotRoot } from './pivot-root.js';
import { openRootDirectory } from './safe-path.js';
import { bindVolume } from './volumes.js';

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
  // Without this, mounts below would propagate back into the host's shared mounts.
  withContext('making / private', () => libc.mount(null, '/', null, MS_REC | MS_PRIVATE, null));
  withContext('mounting the root filesystem', () => mountOverlay(libc, plan.overlay));
  const rootFd = openRootDirectory(libc, plan.overlay.mountPoint);
  try {
    withContext('mounting /proc', () => mountProc(libc, rootFd));
    withContext('mounting /dev', () => mountDev(libc, rootFd));
    withContext('making the --device nodes', () => makeDeviceNodes(libc, rootFd, plan.devices));
    withContext('mounting /sys', () => mountSys(libc, rootFd));
    for (const volume of plan.volumes) {
      withContext(`mounting volume ${volume.source}:${volume.target}`, () =>
        bindVolume(libc, rootFd, volume),
      );
    }
    for (const tmpfs of plan.tmpfs) {
      withContext(`mounting tmpfs ${tmpfs.target}`, () => mountTmpfs(libc, rootFd, tmpfs));
    }
    withContext('masking kernel paths', () => maskPaths(libc, rootFd, '/dev/null'));
    withContext('making kernel paths read-only', () => makeReadonly(libc, rootFd, readonlyPaths));
    withContext('switching to the container root', () => pivotRoot(libc, rootFd));
  } finally {
    libc.close(rootFd);
  }
}

/**
 * `--read-only`: the root's mount becomes read-only (a bind remount changes this mount
 * only: /dev, /proc, the volumes and the tmpfs mounts keep their own flags). Runs after
 * pivot_root, once the init no longer needs to create anything in the root.
 */
export function makeRootReadonly(libc: Libc): void {
  withContext('making the root filesystem read-only', () =>
    libc.mount(null, '/', null, MS_REMOUNT | MS_BIND | MS_RDONLY, null),
  );
}
