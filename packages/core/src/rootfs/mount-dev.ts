import {
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_STRICTATIME,
  O_CLOEXEC,
  O_DIRECTORY,
  O_PATH,
  S_IFCHR,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StepNotes } from '../trace/trace-step.js';
import { mountInRoot } from './mount-in-root.js';

/** The device nodes every program expects, as runc creates them (major, minor). */
const devices: ReadonlyArray<[name: string, major: number, minor: number]> = [
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
  ['random', 1, 8],
  ['urandom', 1, 9],
  ['tty', 5, 0],
];

const links: ReadonlyArray<[name: string, target: string]> = [
  ['ptmx', 'pts/ptmx'],
  ['fd', '/proc/self/fd'],
  ['stdin', '/proc/self/fd/0'],
  ['stdout', '/proc/self/fd/1'],
  ['stderr', '/proc/self/fd/2'],
];

// glibc's makedev() for the small numbers used here.
const makedev = (major: number, minor: number) => (major << 8) | minor;

export const devStep: StepNotes = {
  id: 'dev',
  group: 'root filesystem',
  title: 'A small /dev of its own',
  why: "The host's /dev holds its disks and its memory: the container gets a tmpfs with null, zero, full, random, urandom, tty, its own devpts and /dev/shm, and nothing else.",
  byHand:
    'mount -t tmpfs -o mode=755 tmpfs rootfs/dev && mknod -m 666 rootfs/dev/null c 1 3 && mount -t devpts -o newinstance,ptmxmode=0666 devpts rootfs/dev/pts',
  doing: 'mounting /dev',
};

/**
 * A minimal /dev on a fresh tmpfs: nothing of the host's /dev is visible, and the
 * image's own /dev (which could hold anything) is covered. The caller has set umask 0
 * so the modes below are the modes the nodes get.
 */
export function mountDev(libc: Libc, rootFd: number): void {
  mountInRoot(libc, rootFd, '/dev', {
    fstype: 'tmpfs',
    flags: MS_NOSUID | MS_STRICTATIME,
    data: 'mode=755,size=65536k',
  });
  // Reopen: the fd taken before the mount still points at the directory underneath it.
  const dev = libc.openat2(
    rootFd,
    'dev',
    { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 },
    '/dev',
  );
  try {
    for (const [name, major, minor] of devices) {
      libc.mknodat(dev, name, S_IFCHR | 0o666, makedev(major, minor), `/dev/${name}`);
    }
    for (const [name, linkTarget] of links) {
      libc.symlinkat(linkTarget, dev, name, `/dev/${name}`);
    }
  } finally {
    libc.close(dev);
  }
  // A private devpts instance: the container's ptys are its own, numbered from 0.
  mountInRoot(libc, rootFd, '/dev/pts', {
    fstype: 'devpts',
    flags: MS_NOSUID | MS_NOEXEC,
    data: 'newinstance,ptmxmode=0666,mode=0620,gid=5',
  });
  mountInRoot(libc, rootFd, '/dev/shm', {
    fstype: 'tmpfs',
    flags: MS_NOSUID | MS_NODEV | MS_NOEXEC,
    data: 'mode=1777,size=65536k',
  });
  // mqueue takes the IPC namespace of the mounter: the container's own.
  mountInRoot(libc, rootFd, '/dev/mqueue', {
    fstype: 'mqueue',
    flags: MS_NOSUID | MS_NODEV | MS_NOEXEC,
    data: null,
  });
}
