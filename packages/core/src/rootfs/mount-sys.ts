import { MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { ensureInRoot, fdPath } from './safe-path.js';

/** sysfs read-only; mounted after the network namespace exists so it shows only its devices. */
export function mountSys(libc: Libc, rootFd: number): void {
  const target = ensureInRoot(libc, rootFd, '/sys', 'directory', 'refuse');
  try {
    libc.mount(
      'sysfs',
      fdPath(target),
      'sysfs',
      MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
      null,
    );
  } finally {
    libc.close(target);
  }
}
