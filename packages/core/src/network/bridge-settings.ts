import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CoveError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { StoreLayout } from '../store/store-layout.js';
import type { HostRoute } from './host-routes.js';
import {
  formatIpv4,
  formatSubnet,
  gatewayOf,
  parseSubnet,
  type Subnet,
  subnetsOverlap,
} from './ipv4.js';

export const BRIDGE_NAME = 'cove0';

/**
 * A bridge Cove's containers join: the default one every `bridge` container joins, or a
 * user-defined network's. Its subnet and its own address (the gateway).
 */
export interface BridgeSettings {
  name: string;
  subnet: string;
  gateway: string;
  prefixLength: number;
  /** `--internal`: its containers reach each other and the gateway, nothing else. */
  internal?: boolean;
}

/** podman's 10.88.0.0/16 first, then its neighbours: the first no host route overlaps. */
const subnetPool = Array.from({ length: 12 }, (_, index) => `10.${88 + index}.0.0/16`);

const settingsPath = (layout: StoreLayout) => join(layout.network, 'bridge.json');

function settingsOf(subnet: Subnet): BridgeSettings {
  return {
    name: BRIDGE_NAME,
    subnet: formatSubnet(subnet),
    gateway: formatIpv4(gatewayOf(subnet)),
    prefixLength: subnet.prefixLength,
  };
}

/** The host route a subnet would overlap, leaving out the bridge's own. */
function overlappingRoute(subnet: Subnet, routes: HostRoute[]): HostRoute | undefined {
  return routes.find(
    (route) =>
      route.interfaceName !== BRIDGE_NAME &&
      route.destination.prefixLength > 0 &&
      subnetsOverlap(route.destination, subnet),
  );
}

/** A `--bridge-subnet`: a CIDR no route of the host overlaps (the bridge's own aside). */
export function checkBridgeSubnet(requested: string, routes: HostRoute[]): Subnet {
  let subnet: Subnet;
  try {
    subnet = parseSubnet(requested);
  } catch (error) {
    throw new CoveError(`--bridge-subnet: ${(error as Error).message}`);
  }
  const clash = overlappingRoute(subnet, routes);
  if (clash) {
    throw new CoveError(
      `--bridge-subnet ${requested} overlaps the host's route to ${formatSubnet(clash.destination)} on ${clash.interfaceName}: choose another subnet`,
    );
  }
  return subnet;
}

function leasesHeld(layout: StoreLayout): boolean {
  try {
    return readdirSync(join(layout.network, 'leases')).length > 0;
  } catch {
    return false;
  }
}

/**
 * The bridge's settings, chosen at first use and kept in the store so that every start,
 * and every agent after this one, uses the same subnet. `requested` (the agent's
 * `--bridge-subnet`) replaces the kept subnet while no container holds an address.
 */
export function bridgeSettings(
  layout: StoreLayout,
  routes: HostRoute[],
  requested?: string,
): BridgeSettings {
  const path = settingsPath(layout);
  let kept: BridgeSettings | undefined;
  try {
    kept = JSON.parse(readFileSync(path, 'utf8')) as BridgeSettings;
  } catch {}
  if (requested) {
    const subnet = checkBridgeSubnet(requested, routes);
    if (kept?.subnet === formatSubnet(subnet)) return kept;
    if (kept && leasesHeld(layout)) {
      throw new CoveError(
        `the bridge subnet is ${kept.subnet} and containers hold addresses in it: stop them before changing it to ${requested}`,
      );
    }
    return keep(layout, settingsOf(subnet));
  }
  if (kept) return kept;
  const free = subnetPool.map(parseSubnet).find((subnet) => !overlappingRoute(subnet, routes));
  if (!free) {
    throw new CoveError(
      `every subnet Cove would choose (${subnetPool[0]} to ${subnetPool.at(-1)}) overlaps a host route: choose one with --bridge-subnet`,
    );
  }
  return keep(layout, settingsOf(free));
}

function keep(layout: StoreLayout, settings: BridgeSettings): BridgeSettings {
  mkdirSync(layout.network, { recursive: true, mode: 0o700 });
  writeFileAtomic(settingsPath(layout), `${JSON.stringify(settings, null, 2)}\n`);
  return settings;
}

/** The default bridge's settings if it was ever set up from this store. */
export function keptBridgeSettings(layout: StoreLayout): BridgeSettings | undefined {
  try {
    return JSON.parse(readFileSync(settingsPath(layout), 'utf8')) as BridgeSettings;
  } catch {
    return undefined;
  }
}

/** Whether a bridge was ever set up from this store: only then is there a table to restore. */
export function bridgeWasSetUp(layout: StoreLayout): boolean {
  try {
    readFileSync(settingsPath(layout));
    return true;
  } catch {
    return false;
  }
}

/** Forgets the bridge's settings (once it and its table are removed). */
export function forgetBridgeSettings(layout: StoreLayout): void {
  rmSync(settingsPath(layout), { force: true });
}
