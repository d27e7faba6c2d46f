import { MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { mountInRoot } from './mount-in-root.js';

/** sysfs read-only; mounted after the network namespace exists so it shows only its devices. */
export function mountSys(libc: Libc, rootFd: number): void {
  mountInRoot(libc, rootFd, '/sys', {
    fstype: 'sysfs',
    flags: MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
    data: null,
  });
}
