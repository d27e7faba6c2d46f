import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';
import type { StepNotes } from '../trace/trace-step.js';

export interface OverlayLayout {
  /** The image's read-only layers, topmost first. */
  lowerDirs: string[];
  upperDir: string;
  workDir: string;
  mountPoint: string;
}

export const overlayStep: StepNotes = {
  id: 'overlay',
  group: 'root filesystem',
  title: 'The image as an overlay',
  why: "The image's layers stay read-only and shared by every container of the image; an overlay mount stacks them under a directory of this container's own, where its writes land.",
  byHand: 'mount -t overlay overlay -o lowerdir=L2:L1,upperdir=upper,workdir=work rootfs',
  doing: 'mounting the root filesystem',
};

/**
 * The container's root: the image's layers read-only beneath its own writable upper
 * directory, so writing in a container changes neither the image nor another container.
 * The overlay is also what pivot_root(2) needs, a mount point for the new root: it
 * plays the part of the seeds' "bind the new root onto itself".
 */
export function mountOverlay(libc: Libc, layout: OverlayLayout): void {
  for (const dir of [...layout.lowerDirs, layout.upperDir, layout.workDir]) {
    if (/[,:\\]/.test(dir)) {
      throw new Error(`overlay paths cannot contain ",", ":" or "\\": ${dir}`);
    }
  }
  const options = `lowerdir=${layout.lowerDirs.join(':')},upperdir=${layout.upperDir},workdir=${layout.workDir}`;
  try {
    libc.mount('overlay', layout.mountPoint, 'overlay', 0, options);
  } catch (error) {
    if (error instanceof SyscallError && error.code === 'ENODEV') {
      throw new Error(
        'this kernel has no overlay filesystem: load it with "modprobe overlay" (CONFIG_OVERLAY_FS)',
        { cause: error },
      );
    }
    throw error;
  }
}
