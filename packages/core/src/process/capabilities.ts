import { PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_CAPBSET_DROP } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/** Docker's default capability set, by capability number (linux/capability.h). */
export const defaultCapabilities: ReadonlyArray<[name: string, bit: number]> = [
  ['CAP_CHOWN', 0],
  ['CAP_DAC_OVERRIDE', 1],
  ['CAP_FOWNER', 3],
  ['CAP_FSETID', 4],
  ['CAP_KILL', 5],
  ['CAP_SETGID', 6],
  ['CAP_SETUID', 7],
  ['CAP_SETPCAP', 8],
  ['CAP_NET_BIND_SERVICE', 10],
  ['CAP_NET_RAW', 13],
  ['CAP_SYS_CHROOT', 18],
  ['CAP_MKNOD', 27],
  ['CAP_AUDIT_WRITE', 29],
  ['CAP_SETFCAP', 31],
];

export const defaultCapabilityMask = defaultCapabilities.reduce(
  (mask, [, bit]) => mask | (1n << BigInt(bit)),
  0n,
);

/**
 * Drops every capability outside the default set from the bounding set, so neither the
 * process nor anything it execs can regain one (a setuid binary included), then sets the
 * default set as effective and permitted. Inheritable stays empty (CVE-2022-24769).
 * Must run before changing uid: dropping from the bounding set needs CAP_SETPCAP.
 */
export function limitCapabilities(libc: Libc, lastCapability: number): void {
  for (let bit = 0; bit <= lastCapability; bit++) {
    if ((defaultCapabilityMask & (1n << BigInt(bit))) === 0n) {
      libc.prctl(PR_CAPBSET_DROP, bit);
    }
  }
  libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL);
  libc.capset({
    effective: defaultCapabilityMask,
    permitted: defaultCapabilityMask,
    inheritable: 0n,
  });
}
