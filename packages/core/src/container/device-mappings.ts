import { statSync } from 'node:fs';
import type { DeviceMapping } from '@cove/shared';
import type { DeviceRule } from '../cgroup/device-rules.js';
import { CoveError } from '../errors.js';

/** A `--device`, resolved on the host: the node to make in the container and its numbers. */
export interface DeviceNode {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  /** The host node's permission bits, which the container's node gets too. */
  mode: number;
  permissions: string;
}

/**
 * Reads each `--device` host path (following symlinks, as /dev/disk/by-id needs) and
 * refuses anything that is not a character or block device: a regular file or a
 * directory given as a device would otherwise become a node with no meaning.
 */
export function resolveDevices(mappings: readonly DeviceMapping[]): DeviceNode[] {
  return mappings.map((mapping) => {
    let stats: ReturnType<typeof statSync> & { rdev: bigint; mode: bigint };
    try {
      stats = statSync(mapping.hostPath, { bigint: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new CoveError(`--device ${mapping.hostPath}: stat failed: ${code}`);
    }
    const type = stats.isCharacterDevice() ? 'c' : stats.isBlockDevice() ? 'b' : undefined;
    if (!type) {
      throw new CoveError(
        `--device ${mapping.hostPath}: not a device node (${stats.isDirectory() ? 'a directory' : 'a regular file or other kind'}); give a character or block device such as /dev/fuse`,
      );
    }
    // glibc's major() and minor(): the numbers are split across the 64-bit dev_t.
    const rdev = stats.rdev;
    const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    return {
      path: mapping.containerPath,
      type,
      major,
      minor,
      mode: Number(stats.mode & 0o777n),
      permissions: mapping.permissions,
    };
  });
}

/** The device-policy rule that lets the container use exactly this node. */
export function deviceRule(node: DeviceNode): DeviceRule {
  return { type: node.type, major: node.major, minor: node.minor, access: node.permissions };
}
