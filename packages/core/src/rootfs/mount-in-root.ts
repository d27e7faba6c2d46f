import type { Libc } from '../libc/libc.js';
import { ensureInRoot, fdPath } from './safe-path.js';

/**
 * Mounts a filesystem on a directory of the container's root that is resolved (and
 * created if missing) without following any symlink, through its fd.
 */
export function mountInRoot(
  libc: Libc,
  rootFd: number,
  path: string,
  mount: { fstype: string; flags: number; data: string | null },
): void {
  const target = ensureInRoot(libc, rootFd, path, 'directory', 'refuse');
  try {
    libc.mount(mount.fstype, fdPath(target), mount.fstype, mount.flags, mount.data);
  } finally {
    libc.close(target);
  }
}
