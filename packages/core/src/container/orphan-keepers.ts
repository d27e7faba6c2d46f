import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SIGKILL } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StoreLayout } from '../store/store-layout.js';
import { listRecords } from './container-store.js';
import { processStartTime, withVerifiedProcess } from './process-identity.js';
import { KEEPER_ARGV0, KEEPER_CONTAINER_ENV, KEEPER_STORE_ENV } from './stdio-keeper.js';

/** A keeper process found in /proc, and whose it says it is. */
export interface FoundKeeper {
  pid: number;
  startTime: string;
  containerId: string;
}

/** clock ticks per second in /proc/PID/stat's start time (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * Every keeper of the store at `root` that is alive now: processes named `cove-keeper`
 * whose environment names this store. Read from /proc, as root can for any process.
 */
export function findStoreKeepers(root: string): FoundKeeper[] {
  const store = resolve(root);
  const found: FoundKeeper[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      if (!cmdline.startsWith(`${KEEPER_ARGV0}\0`)) continue;
      const environment = new Map(
        readFileSync(`/proc/${entry}/environ`, 'utf8')
          .split('\0')
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
      );
      const ownStore = environment.get(KEEPER_STORE_ENV);
      if (ownStore === undefined || resolve(ownStore) !== store) continue;
      const pid = Number(entry);
      const startTime = processStartTime(pid);
      if (startTime === undefined) continue;
      found.push({ pid, startTime, containerId: environment.get(KEEPER_CONTAINER_ENV) ?? '' });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Seconds since boot, from /proc/uptime. */
function uptimeSeconds(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

/**
 * Ends the store's keepers that no container record names: an agent killed between a
 * keeper's spawn and the write of the record that names it leaves one holding a dead
 * container's pipes, `sleep infinity`, forever. Only keepers older than `minAgeMs` are
 * ended, since a keeper just spawned by another process on the store (the CLI starting a
 * container) is named by its record a moment later. Each is ended through a pidfd
 * checked against its start time. Returns the ones ended.
 */
export function endOrphanKeepers(libc: Libc, layout: StoreLayout, minAgeMs: number): FoundKeeper[] {
  const named = new Set<string>();
  for (const record of listRecords(layout)) {
    const { keeper } = record.state;
    if (keeper) named.add(`${keeper.pid}:${keeper.startTime}`);
  }
  const now = uptimeSeconds();
  const ended: FoundKeeper[] = [];
  for (const keeper of findStoreKeepers(layout.root)) {
    if (named.has(`${keeper.pid}:${keeper.startTime}`)) continue;
    const ageMs = (now - Number(keeper.startTime) / TICKS_PER_SECOND) * 1000;
    if (ageMs < minAgeMs) continue;
    const signalled = withVerifiedProcess(libc, keeper.pid, keeper.startTime, (pidfd) => {
      libc.pidfdSendSignal(pidfd, SIGKILL);
      return true;
    });
    if (signalled) ended.push(keeper);
  }
  return ended;
}
