import { MS_NODEV, MS_NOEXEC, MS_NOSUID } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StepNotes } from '../trace/trace-step.js';
import { mountInRoot } from './mount-in-root.js';

export const procStep: StepNotes = {
  id: 'proc',
  group: 'root filesystem',
  title: 'A fresh /proc',
  why: "/proc must be remounted: procfs shows the PID namespace of the process that mounts it, and the host's /proc would list the host's processes (ps would see them all).",
  byHand: 'mount -t proc -o nosuid,nodev,noexec proc rootfs/proc',
  doing: 'mounting /proc',
};

/**
 * A fresh procfs for the container. proc takes the PID namespace of the process that
 * mounts it (pid_namespaces(7)), so this runs in the container's PID 1, never in the
 * parent; otherwise `ps` would list the host's processes.
 */
export function mountProc(libc: Libc, rootFd: number): void {
  mountInRoot(libc, rootFd, '/proc', {
    fstype: 'proc',
    flags: MS_NOSUID | MS_NODEV | MS_NOEXEC,
    data: null,
  });
}
