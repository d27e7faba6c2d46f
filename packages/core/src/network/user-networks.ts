import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type NetworkCreate,
  type NetworkCreateInput,
  NetworkCreateSchema,
  type UserNetwork,
  UserNetworkSchema,
} from '@cove/shared';
import { CoveError } from '../errors.js';
import type { StoreLayout } from '../store/store-layout.js';
import { BRIDGE_NAME, type BridgeSettings } from './bridge-settings.js';
import type { HostRoute } from './host-routes.js';
import {
  formatIpv4,
  formatSubnet,
  gatewayOf,
  parseIpv4,
  parseSubnet,
  type Subnet,
  subnetContains,
  subnetsOverlap,
} from './ipv4.js';

/**
 * User-defined networks (`cove network create`), one file each under network/networks/,
 * named after the network: the name is the key a container's spec keeps, and creating
 * the file with link(2) reserves it (two creates of one name cannot both win).
 */
const networksDir = (layout: StoreLayout) => join(layout.network, 'networks');
const networkFile = (layout: StoreLayout, name: string) =>
  join(networksDir(layout), `${name}.json`);

/** The bridge of a network: `cove-` and the id's start, within IFNAMSIZ's 15 characters. */
const bridgeNameOf = (id: string) => `cove-${id.slice(0, 10)}`;

/** Every user-defined network, oldest first. */
export function listUserNetworks(layout: StoreLayout): UserNetwork[] {
  let names: string[] = [];
  try {
    names = readdirSync(networksDir(layout)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      try {
        return [
          UserNetworkSchema.parse(
            JSON.parse(readFileSync(join(networksDir(layout), name), 'utf8')),
          ),
        ];
      } catch {
        return []; // half-written by a crash: link(2) makes that impossible, but stay safe
      }
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** A network by name, full id or unique id prefix. */
export function findUserNetwork(layout: StoreLayout, reference: string): UserNetwork {
  const networks = listUserNetworks(layout);
  const byName = networks.find((network) => network.name === reference);
  if (byName) return byName;
  const byId = /^[0-9a-f]{3,64}$/.test(reference)
    ? networks.filter((network) => network.id.startsWith(reference))
    : [];
  if (byId.length === 1 && byId[0]) return byId[0];
  if (byId.length > 1) throw new CoveError(`network id prefix ${reference} is ambiguous`);
  throw new CoveError(`network ${reference} does not exist (cove network ls lists them)`);
}

/** An `--ip` must be inside its network's subnet: refused at create and connect, not at start. */
export function checkAddressOn(network: UserNetwork, ip: string): void {
  if (!subnetContains(network.subnet, ip)) {
    throw new CoveError(`--ip ${ip} is outside network ${network.name}'s subnet ${network.subnet}`);
  }
}

/** The bridge settings the engine's bridge code works with. */
export function bridgeOfNetwork(network: UserNetwork): BridgeSettings {
  const { bridge, subnet, gateway, prefixLength, internal } = network;
  return { name: bridge, subnet, gateway, prefixLength, internal };
}

/** podman's user networks are /24s of 10.89.0.0/16 and on: Cove picks the same way. */
function* subnetCandidates(): Generator<Subnet> {
  for (let second = 89; second < 128; second++) {
    for (let third = 0; third < 256; third++) {
      yield { network: parseIpv4(`10.${second}.${third}.0`), prefixLength: 24 };
    }
  }
}

/** What a new subnet must not overlap: the host's routes (but Cove's), and Cove's subnets. */
function takenSubnets(
  layout: StoreLayout,
  routes: HostRoute[],
  defaultBridgeSubnet: string | undefined,
): { subnet: Subnet; owner: string }[] {
  const networks = listUserNetworks(layout);
  const ownBridges = new Set([BRIDGE_NAME, ...networks.map((network) => network.bridge)]);
  return [
    ...routes
      .filter((route) => !ownBridges.has(route.interfaceName) && route.destination.prefixLength > 0)
      .map((route) => ({
        subnet: route.destination,
        owner: `the host's route to ${formatSubnet(route.destination)} on ${route.interfaceName}`,
      })),
    ...(defaultBridgeSubnet
      ? [
          {
            subnet: parseSubnet(defaultBridgeSubnet),
            owner: `the bridge network (${defaultBridgeSubnet})`,
          },
        ]
      : []),
    ...networks.map((network) => ({
      subnet: parseSubnet(network.subnet),
      owner: `network ${network.name} (${network.subnet})`,
    })),
  ];
}

function chooseSubnet(request: NetworkCreate, taken: { subnet: Subnet; owner: string }[]): Subnet {
  if (request.subnet) {
    let subnet: Subnet;
    try {
      subnet = parseSubnet(request.subnet);
    } catch (error) {
      throw new CoveError(`--subnet: ${(error as Error).message}`);
    }
    const clash = taken.find((other) => subnetsOverlap(other.subnet, subnet));
    if (clash) {
      throw new CoveError(
        `--subnet ${request.subnet} overlaps ${clash.owner}: choose another subnet`,
      );
    }
    return subnet;
  }
  for (const subnet of subnetCandidates()) {
    if (!taken.some((other) => subnetsOverlap(other.subnet, subnet))) return subnet;
  }
  throw new CoveError(
    'every subnet Cove would choose (10.89.0.0/24 to 10.127.255.0/24) is taken: give one with --subnet',
  );
}

function chooseGateway(request: NetworkCreate, subnet: Subnet): string {
  if (!request.gateway) return formatIpv4(gatewayOf(subnet));
  const gateway = parseIpv4(request.gateway);
  const last = subnet.network + 2 ** (32 - subnet.prefixLength) - 1;
  if (gateway <= subnet.network || gateway >= last) {
    throw new CoveError(
      `--gateway ${request.gateway} is not a host address of ${formatSubnet(subnet)}`,
    );
  }
  return request.gateway;
}

/**
 * Decides a new network's subnet, gateway and bridge and keeps it. Bad input gets one
 * sentence naming the problem; nothing is written unless all of it is right.
 */
export function createUserNetwork(
  layout: StoreLayout,
  input: NetworkCreateInput,
  routes: HostRoute[],
  defaultBridgeSubnet: string | undefined,
): UserNetwork {
  const parsed = NetworkCreateSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CoveError(`invalid network ${issue?.path.join('.') || 'request'}: ${issue?.message}`);
  }
  const request = parsed.data;
  if (listUserNetworks(layout).some((network) => network.name === request.name)) {
    throw new CoveError(`network ${request.name} already exists`);
  }
  const subnet = chooseSubnet(request, takenSubnets(layout, routes, defaultBridgeSubnet));
  const id = randomBytes(32).toString('hex');
  const network: UserNetwork = {
    id,
    name: request.name,
    bridge: bridgeNameOf(id),
    subnet: formatSubnet(subnet),
    gateway: chooseGateway(request, subnet),
    prefixLength: subnet.prefixLength,
    internal: request.internal,
    createdAt: new Date().toISOString(),
  };
  mkdirSync(networksDir(layout), { recursive: true, mode: 0o700 });
  const temporary = join(networksDir(layout), `.${id}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(network, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, networkFile(layout, network.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CoveError(`network ${request.name} already exists`);
    }
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return network;
}

/** Forgets a network (its bridge and firewall elements are the caller's to remove first). */
export function deleteUserNetwork(layout: StoreLayout, network: UserNetwork): void {
  rmSync(networkFile(layout, network.name), { force: true });
}
