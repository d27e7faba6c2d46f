import { MS_NODEV, MS_NOEXEC, MS_NOSUID } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { mountInRoot } from './mount-in-root.js';

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
