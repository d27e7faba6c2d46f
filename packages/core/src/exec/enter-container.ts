import { isSameProcessAlive } from '../container/process-identity.js';
import { CoveError } from '../errors.js';
import {
  CLONE_FS,
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWUTS,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/** Every namespace of a container but the user namespace, which it does not have. */
const namespaces =
  CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS;

/**
 * Joins the namespaces of a running container's PID 1, all at once: setns(2) on a pidfd
 * (Linux 5.8). The pidfd is taken first, then the PID's start time checked, so the
 * namespaces joined are that process's even if it ends and its PID is reused meanwhile.
 * Mount namespaces refuse a thread that shares its fs_struct with other threads
 * (EINVAL): Node's are, so unshare(CLONE_FS) first. Joining a PID namespace moves only
 * the children made afterwards, and this process can create no thread from then on:
 * the caller's next step is one spawn.
 */
export function enterContainer(libc: Libc, pid: number, startTime: string | undefined): void {
  const pidfd = libc.pidfdOpen(pid);
  try {
    if (!isSameProcessAlive(pid, startTime)) {
      throw new CoveError(`the container's PID 1 (${pid}) has ended: nothing to enter`);
    }
    libc.unshare(CLONE_FS);
    libc.setns(pidfd, namespaces, `the pidfd of PID ${pid}`);
  } finally {
    libc.close(pidfd);
  }
}
