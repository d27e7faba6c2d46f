import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CoveError } from '../errors.js';
import type { StoreLayout } from '../store/store-layout.js';
import { formatIpv4, leasableRange, parseSubnet } from './ipv4.js';

/**
 * IPAM as CNI's host-local does it: one file per address taken, named after it and
 * holding the container's id. Creating it with O_EXCL is the lease: two processes can
 * never take the same address, and nothing else needs a lock.
 */
const leasesDir = (layout: StoreLayout) => join(layout.network, 'leases');

/** Takes the first free address of `subnet` for container `id`. */
export function leaseAddress(layout: StoreLayout, subnet: string, id: string): string {
  const dir = leasesDir(layout);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const taken = new Set(readdirSync(dir));
  const { first, last } = leasableRange(parseSubnet(subnet));
  for (let candidate = first; candidate <= last; candidate++) {
    const address = formatIpv4(candidate);
    if (taken.has(address)) continue;
    let fd: number;
    try {
      fd = openSync(join(dir, address), 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // taken meanwhile
      throw error;
    }
    try {
      writeSync(fd, id);
    } finally {
      closeSync(fd);
    }
    return address;
  }
  throw new CoveError(`no free address is left in the bridge subnet ${subnet}`);
}

/** Every lease: address → the id of the container holding it. */
export function listLeases(layout: StoreLayout): Map<string, string> {
  const leases = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(leasesDir(layout));
  } catch {
    return leases;
  }
  for (const address of names) {
    try {
      leases.set(address, readFileSync(join(leasesDir(layout), address), 'utf8'));
    } catch {} // released meanwhile
  }
  return leases;
}

/** Gives back `address` if container `id` still holds it (a later holder keeps it). */
export function releaseAddress(layout: StoreLayout, address: string, id: string): void {
  const path = join(leasesDir(layout), address);
  let holder: string;
  try {
    holder = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  if (holder === id) rmSync(path, { force: true });
}
