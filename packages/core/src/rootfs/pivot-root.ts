import { MNT_DETACH } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/**
 * Makes the container's root `/` and lets go of the host's. pivot_root(2) allows
 * new_root and put_old to be the same directory: the old root is then stacked on top of
 * the new one, and a lazy unmount of "." detaches it, so no `.old` directory is needed in
 * the image. After this nothing of the host's tree is reachable by any path.
 */
export function pivotRoot(libc: Libc, rootFd: number): void {
  libc.fchdir(rootFd, 'container root');
  libc.pivotRoot('.', '.');
  libc.umount2('.', MNT_DETACH);
  libc.chdir('/');
}
