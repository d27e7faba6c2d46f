import { posix } from 'node:path';
import type { DeviceNode } from '../container/device-mappings.js';
import { S_IFBLK, S_IFCHR } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StepNotes } from '../trace/trace-step.js';
import { ensureInRoot } from './safe-path.js';

/** glibc's makedev(): dev_t keeps the low 8 bits of the minor and 12 of the major apart. */
export function makedev(major: number, minor: number): number {
  const majorLow = major & 0xfff;
  const majorHigh = Math.floor(major / 0x1000);
  const minorLow = minor & 0xff;
  const minorHigh = Math.floor(minor / 0x100);
  return majorLow * 2 ** 8 + minorLow + minorHigh * 2 ** 20 + majorHigh * 2 ** 44;
}

export const deviceNodesStep: StepNotes = {
  id: 'devices',
  group: 'root filesystem',
  title: 'The --device nodes',
  why: "Each device the user named gets its node in the fresh /dev, with the host's numbers; the device controller allows exactly these.",
  byHand: 'mknod rootfs/dev/fuse c 10 229',
  doing: 'making the --device nodes',
};

/**
 * The `--device` nodes, made in the container's fresh /dev (their parents too, like
 * /dev/net for /dev/net/tun). Opening them is still up to the device policy, which
 * allows exactly these numbers with the permissions the user gave.
 */
export function makeDeviceNodes(libc: Libc, rootFd: number, nodes: readonly DeviceNode[]): void {
  for (const node of nodes) {
    const parent = ensureInRoot(libc, rootFd, posix.dirname(node.path), 'directory', 'refuse');
    try {
      const kind = node.type === 'b' ? S_IFBLK : S_IFCHR;
      libc.mknodat(
        parent,
        posix.basename(node.path),
        kind | node.mode,
        makedev(node.major, node.minor),
        node.path,
      );
    } finally {
      libc.close(parent);
    }
  }
}
