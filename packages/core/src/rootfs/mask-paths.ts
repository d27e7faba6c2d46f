import { MS_BIND, MS_RDONLY, MS_REC, MS_REMOUNT } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';
import type { StepNotes } from '../trace/trace-step.js';
import { fdPath, openInRoot } from './safe-path.js';

/** Kernel interfaces that leak host information or control: hidden, as runc hides them. */
export const maskedPaths = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Readable but never writable from inside: /proc/sys would otherwise tune the host's kernel. */
export const readonlyPaths = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** Opens a path under /proc or /sys, or returns undefined when this kernel lacks it. */
function openIfPresent(libc: Libc, rootFd: number, path: string): number | undefined {
  try {
    return openInRoot(libc, rootFd, path, 'refuse');
  } catch (error) {
    if (error instanceof SyscallError && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

export const maskStep: StepNotes = {
  id: 'masks',
  group: 'root filesystem',
  title: 'Kernel paths masked',
  why: 'Some files of /proc and /sys give away or change the host (/proc/kcore, /proc/keys, /sys/firmware): /dev/null is bound over each file and an empty read-only tmpfs over each directory.',
  byHand: 'mount --bind /dev/null rootfs/proc/kcore',
  doing: 'masking kernel paths',
};

/**
 * Files are covered by the host's /dev/null (reads return nothing), directories by an
 * empty read-only tmpfs. Runs before pivot_root, while the host's /dev/null is reachable.
 */
export function maskPaths(libc: Libc, rootFd: number, hostDevNull: string): void {
  for (const path of maskedPaths) {
    const fd = openIfPresent(libc, rootFd, path);
    if (fd === undefined) continue;
    try {
      try {
        libc.mount(hostDevNull, fdPath(fd), null, MS_BIND, null);
      } catch (error) {
        if (!(error instanceof SyscallError && error.code === 'ENOTDIR')) throw error;
        libc.mount('tmpfs', fdPath(fd), 'tmpfs', MS_RDONLY, 'size=0');
      }
    } finally {
      libc.close(fd);
    }
  }
}

export const readonlyPathsStep: StepNotes = {
  id: 'readonly-paths',
  group: 'root filesystem',
  title: 'Kernel paths read-only',
  why: '/proc/sys, /proc/sysrq-trigger and their kind set host-wide kernel knobs: each is bound onto itself and remounted read-only.',
  byHand:
    'mount --bind rootfs/proc/sys rootfs/proc/sys && mount -o remount,bind,ro rootfs/proc/sys',
  doing: 'making kernel paths read-only',
};

/** Bind each path onto itself, then remount that bind read-only (mount(2): MS_REMOUNT|MS_BIND). */
export function makeReadonly(libc: Libc, rootFd: number, paths: readonly string[]): void {
  for (const path of paths) {
    const fd = openIfPresent(libc, rootFd, path);
    if (fd === undefined) continue;
    try {
      libc.mount(fdPath(fd), fdPath(fd), null, MS_BIND | MS_REC, null);
    } finally {
      libc.close(fd);
    }
    remountReadonly(libc, rootFd, path);
  }
}

/** Remounts the mount now at `path` read-only; the path is reopened to reach the new mount. */
export function remountReadonly(libc: Libc, rootFd: number, path: string): void {
  const fd = openInRoot(libc, rootFd, path, 'in-root');
  try {
    libc.mount(null, fdPath(fd), null, MS_REMOUNT | MS_BIND | MS_RDONLY, null);
  } finally {
    libc.close(fd);
  }
}
