import type { TmpfsMount } from '@cove/shared';
import { MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StepNotes } from '../trace/trace-step.js';
import { mountInRoot } from './mount-in-root.js';

const flagOptions: Record<string, { set: number } | { clear: number }> = {
  ro: { set: MS_RDONLY },
  rw: { clear: MS_RDONLY },
  noexec: { set: MS_NOEXEC },
  exec: { clear: MS_NOEXEC },
  nosuid: { set: MS_NOSUID },
  nodev: { set: MS_NODEV },
};

export const tmpfsStep: StepNotes = {
  id: 'tmpfs',
  group: 'root filesystem',
  title: 'A --tmpfs mount',
  why: 'Memory-backed scratch space that disappears with the container.',
  byHand: 'mount -t tmpfs -o size=64m tmpfs rootfs/target',
  doing: 'mounting a tmpfs',
};

/**
 * `--tmpfs PATH[:OPTIONS]`: an empty tmpfs, the way to give a `--read-only` container a
 * writable /tmp. Docker's defaults, noexec, nosuid and nodev, unless the options say
 * `exec`; the rest (size=, mode=, uid=, gid=, nr_inodes=) go to tmpfs itself.
 */
export function mountTmpfs(libc: Libc, rootFd: number, tmpfs: TmpfsMount): void {
  let flags = MS_NOEXEC | MS_NOSUID | MS_NODEV;
  const data: string[] = [];
  for (const option of tmpfs.options) {
    const flag = flagOptions[option];
    if (!flag) data.push(option);
    else if ('set' in flag) flags |= flag.set;
    else flags &= ~flag.clear;
  }
  mountInRoot(libc, rootFd, tmpfs.target, {
    fstype: 'tmpfs',
    flags,
    data: data.length ? data.join(',') : null,
  });
}
