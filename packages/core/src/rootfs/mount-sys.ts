import { MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StepNotes } from '../trace/trace-step.js';
import { mountInRoot } from './mount-in-root.js';

export const sysStep: StepNotes = {
  id: 'sys',
  group: 'root filesystem',
  title: '/sys, read-only',
  why: "Programs read /sys (the CPUs, the network's devices), but writing there changes the host's kernel: it is mounted read-only.",
  byHand: 'mount -t sysfs -o ro,nosuid,nodev,noexec sysfs rootfs/sys',
  doing: 'mounting /sys',
};

/** sysfs read-only; mounted after the network namespace exists so it shows only its devices. */
export function mountSys(libc: Libc, rootFd: number): void {
  mountInRoot(libc, rootFd, '/sys', {
    fstype: 'sysfs',
    flags: MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
    data: null,
  });
}
