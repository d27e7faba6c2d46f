import { MNT_DETACH } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StepNotes } from '../trace/trace-step.js';

export const pivotRootStep: StepNotes = {
  id: 'pivot-root',
  group: 'root filesystem',
  title: 'pivot_root into the container',
  why: 'chroot only changes where paths start, and a root process can climb out; pivot_root moves the whole mount namespace onto the new root. It needs the new root to be a mount point, which the overlay is.',
  byHand: 'cd rootfs && pivot_root . .',
  doing: 'switching to the container root',
};

/**
 * Makes the container's root `/`. pivot_root(2) allows new_root and put_old to be the
 * same directory: the old root is then stacked on top of the new one, so no `.old`
 * directory is needed in the image.
 */
export function pivotRoot(libc: Libc, rootFd: number): void {
  libc.fchdir(rootFd, 'container root');
  libc.pivotRoot('.', '.');
}

export const detachOldRootStep: StepNotes = {
  id: 'old-root',
  group: 'root filesystem',
  title: "The host's root detached",
  why: "After pivot_root the host's tree is still mounted on top of the new root: a lazy unmount detaches it, and nothing of the host's tree is reachable by any path.",
  byHand: 'umount -l . && cd /',
  doing: "detaching the host's root",
};

/** Lets go of the host's root, stacked on `.` by pivotRoot. */
export function detachOldRoot(libc: Libc): void {
  libc.umount2('.', MNT_DETACH);
  libc.chdir('/');
}
