import { readFileSync } from 'node:fs';
import type { NetworkCounters } from '@cove/shared';

/**
 * The traffic of each host end of a veth, read from /proc/net/dev (this process's
 * network namespace), turned around: what the host end received, the container sent.
 */
export function readContainerCounters(devices = '/proc/net/dev'): Map<string, NetworkCounters> {
  const counters = new Map<string, NetworkCounters>();
  let text = '';
  try {
    text = readFileSync(devices, 'utf8');
  } catch {
    return counters;
  }
  // "  name: rx_bytes rx_packets errs drop fifo frame compressed multicast tx_bytes tx_packets ..."
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    counters.set(name, {
      rxBytes: fields[8] ?? 0,
      rxPackets: fields[9] ?? 0,
      txBytes: fields[0] ?? 0,
      txPackets: fields[1] ?? 0,
    });
  }
  return counters;
}
