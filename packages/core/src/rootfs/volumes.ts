import { statSync } from 'node:fs';
import type { Volume } from '@cove/shared';
import { CoveError } from '../errors.js';
import {
  AT_EMPTY_PATH,
  AT_RECURSIVE,
  MOUNT_ATTR_RDONLY,
  MS_BIND,
  MS_REC,
  O_CLOEXEC,
  O_PATH,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';
import type { StepNotes } from '../trace/trace-step.js';
import { ensureInRoot, fdPath, openInRoot } from './safe-path.js';

export const volumeStep: StepNotes = {
  id: 'volume',
  group: 'root filesystem',
  title: 'A volume',
  why: 'A host directory bind-mounted into the root: the one way the container sees host files, opened beneath the root so a symlink in the image cannot point the mount at the host.',
  byHand: 'mount --bind /host/dir rootfs/target',
  doing: 'mounting a volume',
};

/**
 * `-v SRC:DST[:ro]` as a bind mount. The source is the host's (opened by the path the
 * user gave); the target is resolved inside the container's root, where a symlink in the
 * image can point anywhere but only ever lands inside the root.
 */
export function bindVolume(libc: Libc, rootFd: number, volume: Volume): void {
  const kind = statSync(volume.source).isDirectory() ? 'directory' : 'file';
  const source = libc.open(volume.source, O_PATH | O_CLOEXEC);
  try {
    const target = ensureInRoot(libc, rootFd, volume.target, kind, 'in-root');
    try {
      libc.mount(fdPath(source), fdPath(target), null, MS_BIND | MS_REC, null);
    } finally {
      libc.close(target);
    }
  } finally {
    libc.close(source);
  }
  if (volume.readOnly) makeTreeReadonly(libc, rootFd, volume.target);
}

/**
 * Makes the bind at `path` and every mount below it read-only. A remount
 * (MS_REMOUNT|MS_BIND|MS_RDONLY) reaches only the top mount, leaving what is mounted
 * below the source writable, and resets the top's nosuid, nodev and noexec;
 * mount_setattr(2) with AT_RECURSIVE changes only the attribute asked, on the whole tree.
 */
function makeTreeReadonly(libc: Libc, rootFd: number, path: string): void {
  // Opened again after the bind: the fd the bind was made on is the directory below it.
  const fd = openInRoot(libc, rootFd, path, 'in-root');
  try {
    libc.mountSetattr(
      fd,
      '',
      AT_EMPTY_PATH | AT_RECURSIVE,
      { attrSet: MOUNT_ATTR_RDONLY, attrClr: 0, propagation: 0, usernsFd: 0 },
      path,
    );
  } catch (error) {
    if (error instanceof SyscallError && error.code === 'ENOSYS') {
      throw new CoveError('read-only volumes need Linux 5.12 or later (mount_setattr(2))', 125, {
        cause: error,
      });
    }
    throw error;
  } finally {
    libc.close(fd);
  }
}
