import {
  CLONE_FS,
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWUTS,
  O_CLOEXEC,
  O_RDONLY,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

// Mount last: after it, /proc is the container's and the other ns files are out of reach.
const namespaces: Array<[file: string, type: number]> = [
  ['cgroup', CLONE_NEWCGROUP],
  ['ipc', CLONE_NEWIPC],
  ['uts', CLONE_NEWUTS],
  ['net', CLONE_NEWNET],
  ['pid', CLONE_NEWPID],
  ['mnt', CLONE_NEWNS],
];

/**
 * Joins the namespaces of a running container's PID 1 (setns(2)). Every ns file is
 * opened first, while /proc is still the host's. Mount namespaces refuse a thread that
 * shares its fs_struct with other threads (EINVAL): Node's are, so unshare(CLONE_FS)
 * first. Joining a PID namespace moves only the children made afterwards, and this
 * process can create no thread from then on: the caller's next step is one spawn.
 */
export function enterContainer(libc: Libc, pid: number): void {
  const fds = namespaces.map(([file, type]) => {
    const path = `/proc/${pid}/ns/${file}`;
    return { fd: libc.open(path, O_RDONLY | O_CLOEXEC), type, path };
  });
  libc.unshare(CLONE_FS);
  for (const { fd, type, path } of fds) {
    libc.setns(fd, type, path);
    libc.close(fd);
  }
}
