/**
 * What a container may do with device nodes: the kernel checks every open(2) and mknod(2)
 * of a node against these rules, whatever the process's capabilities. CAP_MKNOD makes a
 * node for any major:minor; without a device policy, opening `c 1 11` would write to the
 * host's kernel log and a disk's numbers would read the disk.
 */
export interface DeviceRule {
  /** `c` character, `b` block, `a` both. */
  type: 'c' | 'b' | 'a';
  /** `null` matches every number. */
  major: number | null;
  minor: number | null;
  /** Any of `r` (open for reading), `w` (open for writing), `m` (mknod). */
  access: string;
}

const char = (major: number | null, minor: number | null, access = 'rwm'): DeviceRule => ({
  type: 'c',
  major,
  minor,
  access,
});

/**
 * runc's default allow-list: making any node (so images that make nodes unpack and run),
 * and opening only the harmless ones /dev holds and the container's own terminals.
 */
export const DEFAULT_DEVICE_RULES: readonly DeviceRule[] = [
  char(null, null, 'm'),
  { type: 'b', major: null, minor: null, access: 'm' },
  char(1, 3), // null
  char(1, 5), // zero
  char(1, 7), // full
  char(1, 8), // random
  char(1, 9), // urandom
  char(5, 0), // tty
  char(5, 2), // ptmx
  char(136, null), // the container's devpts terminals (/dev/pts/N)
];

/** The rule in the v1 devices controller's syntax: `c 1:3 rwm`, `b *:* m`. */
export function formatDeviceRule(rule: DeviceRule): string {
  const number = (n: number | null) => (n === null ? '*' : String(n));
  return `${rule.type} ${number(rule.major)}:${number(rule.minor)} ${rule.access}`;
}
