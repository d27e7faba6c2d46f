import {
  closeSync,
  type FSWatcher,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CoveError } from '../errors.js';
import type { StoreLayout } from '../store/store-layout.js';
import { formatIpv4, leasableRange, parseIpv4, parseSubnet } from './ipv4.js';

/**
 * IPAM as CNI's host-local does it: one file per address taken, named after it and
 * holding the container's id. Creating it with O_EXCL is the lease: two processes can
 * never take the same address, and nothing else needs a lock.
 */
const leasesDir = (layout: StoreLayout) => join(layout.network, 'leases');

/** Creates the lease file of `address` for `id`; false if another holds it. */
function tryLease(dir: string, address: string, id: string): boolean {
  let fd: number;
  try {
    fd = openSync(join(dir, address), 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, id);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the first free address of `subnet` for container `id` (one lease directory
 * serves every network: their subnets never overlap). A gateway other than the
 * subnet's first address (`--gateway`) is skipped.
 */
export function leaseAddress(
  layout: StoreLayout,
  subnet: string,
  id: string,
  gateway?: string,
): string {
  const dir = leasesDir(layout);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const taken = new Set(readdirSync(dir));
  if (gateway) taken.add(gateway);
  const { first, last } = leasableRange(parseSubnet(subnet));
  for (let candidate = first; candidate <= last; candidate++) {
    const address = formatIpv4(candidate);
    if (taken.has(address)) continue;
    if (tryLease(dir, address, id)) return address;
  }
  throw new CoveError(`no free address is left in the subnet ${subnet}`);
}

/** Takes `address` (`--ip`) for container `id`: it must be a free host address of `subnet`. */
export function leaseChosenAddress(
  layout: StoreLayout,
  network: { name: string; subnet: string; gateway: string },
  address: string,
  id: string,
): string {
  const { first, last } = leasableRange(parseSubnet(network.subnet));
  const wanted = parseIpv4(address);
  const firstHost = first - 1; // leasable when --gateway put the gateway elsewhere
  if (wanted < firstHost || wanted > last || address === network.gateway) {
    throw new CoveError(
      `--ip ${address} is not a free host address of network ${network.name} (${network.subnet}, gateway ${network.gateway})`,
    );
  }
  const dir = leasesDir(layout);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!tryLease(dir, address, id)) {
    let holder = 'another container';
    try {
      holder = `container ${readFileSync(join(dir, address), 'utf8').slice(0, 12)}`;
    } catch {}
    throw new CoveError(`--ip ${address} on network ${network.name} is taken by ${holder}`);
  }
  return address;
}

/**
 * When a lease was last taken or given back (the lease directory's mtime, 0 before the
 * first): a reader of the leases knows from one stat(2) whether to read them again.
 */
export function leasesChangedAt(layout: StoreLayout): number {
  try {
    return statSync(leasesDir(layout)).mtimeMs;
  } catch {
    return 0;
  }
}

/** Told when the leases change; `lost` when the watch ended and changes go unseen. */
export interface LeaseWatch {
  changed(): void;
  lost(): void;
}

/**
 * Watches the lease directory with inotify, so that a reader that keeps the leases in
 * memory learns of every lease taken or given back (by this process or any other on the
 * store) without a stat(2) per read. Each lease file's creation, write and removal is an
 * event; a watch that fails says so once through `lost`, and the reader goes back to
 * asking `leasesChangedAt`.
 */
export function watchLeases(layout: StoreLayout, told: LeaseWatch): { close(): void } {
  const dir = leasesDir(layout);
  mkdirSync(dir, { recursive: true });
  let watcher: FSWatcher | undefined = watch(dir, { persistent: false }, () => told.changed());
  const end = () => {
    watcher?.close();
    watcher = undefined;
  };
  watcher.on('error', () => {
    end();
    told.lost();
  });
  return { close: end };
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
