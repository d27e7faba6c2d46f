import { readFileSync } from 'node:fs';
import { CAPABILITY_NAMES, DEFAULT_CAPABILITIES } from '@cove/shared';
import { PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_CAPBSET_DROP } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/** Capability names to their numbers (linux/capability.h), as capset(2) and prctl(2) take them. */
export function capabilityBits(names: readonly string[]): number[] {
  return names.map((name) => {
    const bit = (CAPABILITY_NAMES as readonly string[]).indexOf(name);
    if (bit === -1) throw new Error(`unknown capability ${name}`);
    return bit;
  });
}

export const capabilityMask = (bits: readonly number[]) =>
  bits.reduce((mask, bit) => mask | (1n << BigInt(bit)), 0n);

export const defaultCapabilityMask = capabilityMask(capabilityBits(DEFAULT_CAPABILITIES));

let ownBoundingSet: bigint | undefined;

/**
 * The names this process can hand on to a container: the kernel grants no capability
 * outside the engine's own bounding set (a host that runs it without CAP_SYS_RESOURCE,
 * say), nor one newer than the kernel. Read from the engine's /proc/self/status, which
 * its inits and exec shims share.
 */
export function grantable(names: readonly string[]): string[] {
  if (ownBoundingSet === undefined) {
    const status = readFileSync('/proc/self/status', 'utf8');
    const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
    ownBoundingSet = BigInt(`0x${hex}`);
  }
  const bounding = ownBoundingSet;
  return names.filter((name) => (bounding & capabilityMask(capabilityBits([name]))) !== 0n);
}

/**
 * Drops every capability outside the container's set from the bounding set, so neither
 * the process nor anything it execs can regain one (a setuid binary included), and
 * clears the ambient set. Needs CAP_SETPCAP: runs while the process is still root with
 * every capability it was given.
 */
export function limitBoundingSet(
  libc: Libc,
  lastCapability: number,
  bits: readonly number[],
): void {
  const mask = capabilityMask(bits);
  for (let bit = 0; bit <= lastCapability; bit++) {
    if ((mask & (1n << BigInt(bit))) === 0n) libc.prctl(PR_CAPBSET_DROP, bit);
  }
  libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL);
}

/**
 * Sets the container's set as effective and permitted; inheritable stays empty
 * (CVE-2022-24769). Runs after the user switch, which needs CAP_SETUID and CAP_SETGID
 * even when the container keeps neither (`--cap-drop ALL`).
 */
export function setCapabilities(libc: Libc, bits: readonly number[]): void {
  const mask = capabilityMask(bits);
  libc.capset({ effective: mask, permitted: mask, inheritable: 0n });
}
