import {
  COVE_DNS_DOMAIN,
  type ContainerNetwork,
  type ContainerRecord,
  joinedContainer,
  type NetworkAttachment,
  type PortMapping,
  type PublishedPort,
} from '@cove/shared';
import { CoveError, withContextAsync } from '../errors.js';
import type { StoredImage } from '../image/image-config.js';
import {
  leaseAddress,
  leaseChosenAddress,
  listLeases,
  releaseAddress,
} from '../network/address-leases.js';
import {
  BRIDGE_NAME,
  type BridgeSettings,
  bridgeSettings,
  keptBridgeSettings,
} from '../network/bridge-settings.js';
import type { ContainerInterface } from '../network/configure-container-interface.js';
import { attachVeth, hostInterfaceName } from '../network/container-veth.js';
import {
  addBridgeToTable,
  applyFirewallTable,
  type PortForward,
  publishPorts,
  removeBridgeFromTable,
  removeFirewallTable,
  withdrawPorts,
} from '../network/firewall-table.js';
import {
  createBridge,
  deleteBridge,
  interfaceExists,
  setBridgeSysctls,
} from '../network/host-bridge.js';
import { chooseHostPorts } from '../network/host-ports.js';
import { defaultRouteMtu, readHostRoutes } from '../network/host-routes.js';
import type { ContainerResolver, InitNetwork } from '../network/init-network.js';
import { macFor, parseIpv4, parseSubnet } from '../network/ipv4.js';
import { runNetworkTool } from '../network/network-tool.js';
import { bridgeOfNetwork, findUserNetwork, listUserNetworks } from '../network/user-networks.js';
import type { StoreLayout } from '../store/store-layout.js';
import { findRecord, listRecords } from './container-store.js';
import type { EngineContext } from './engine-context.js';
import { refreshState } from './refresh-state.js';

/** A container's network for one start: what the init is told, and the host's part. */
export interface StartNetwork {
  init: InitNetwork;
  /** What the record shows while the container runs. */
  record: ContainerNetwork;
  /** The host's side once the init has its network namespace (bridges only). */
  connect?(initPid: number): Promise<void>;
}

export const isLive = (record: ContainerRecord) =>
  record.state.status === 'running' || record.state.status === 'paused';

/** The forwards a record's published ports make (none without an address). */
function forwardsOf(network: ContainerNetwork | undefined): PortForward[] {
  const address = network?.address;
  return address ? network.ports.map((port) => ({ ...port, address })) : [];
}

/** Every address a running container's record holds: its first network's and the others'. */
export function addressesOf(network: ContainerNetwork | undefined): string[] {
  if (!network?.address || joinedContainer(network.mode) !== undefined) return [];
  return [network.address, ...network.attachments.map((attachment) => attachment.address)];
}

/** Every port the running containers publish, but `except`'s. */
function portsInUse(layout: StoreLayout, except: string) {
  return listRecords(layout)
    .filter((record) => record.id !== except && isLive(refreshState(layout, record)))
    .flatMap((record) =>
      (record.network?.ports ?? []).map((port) => ({ ...port, container: record.name })),
    );
}

/** Every bridge the store knows: the default one if it was ever set up, and each network's. */
function knownBridges(layout: StoreLayout): BridgeSettings[] {
  const kept = keptBridgeSettings(layout);
  return [...(kept ? [kept] : []), ...listUserNetworks(layout).map(bridgeOfNetwork)];
}

/**
 * Cove's firewall table, written anew once per engine with every bridge and the running
 * containers' ports (a firewall reload may have flushed it, a crash left stale ports).
 */
function readyTable(context: EngineContext): Promise<ReadonlySet<string>> {
  const { network, layout } = context;
  network.tableReady ??= (async () => {
    const bridges = knownBridges(layout);
    await withContextAsync("writing Cove's firewall table", () =>
      applyFirewallTable(bridges, runningForwards(layout)),
    );
    return new Set(bridges.map((bridge) => bridge.name));
  })();
  // A failure is not kept: the next start tries again (the user may have installed nft).
  network.tableReady.catch(() => {
    network.tableReady = undefined;
  });
  return network.tableReady;
}

/**
 * A bridge, its sysctls and its place in Cove's firewall table, checked once per engine
 * and made when missing (a reboot, or `ip link del cove0`, removes a bridge).
 */
export function readyBridge(context: EngineContext, bridge: BridgeSettings): Promise<void> {
  const { network, layout, libc } = context;
  let ready = network.bridgesReady.get(bridge.name);
  if (ready) return ready;
  ready = (async () => {
    // The table first (it names the bridge, which need not exist yet): a host without
    // nft is refused before anything is made.
    // A bridge the table was written with is in it; one made since (a new network) is added.
    const inTable = await readyTable(context);
    if (!inTable.has(bridge.name)) {
      await withContextAsync(`adding ${bridge.name} to Cove's firewall table`, () =>
        addBridgeToTable(bridge),
      );
    }
    if (!interfaceExists(libc, bridge.name)) {
      try {
        await createBridge(bridge);
      } catch (error) {
        // With no container on a bridge the table just written has no use: it goes too.
        if (!holdsAnAddress(layout) && listUserNetworks(layout).length === 0) {
          await removeFirewallTable().catch(() => {});
          network.tableReady = undefined;
        }
        throw error;
      }
    }
    setBridgeSysctls(bridge);
  })();
  network.bridgesReady.set(bridge.name, ready);
  ready.catch(() => network.bridgesReady.delete(bridge.name));
  return ready;
}

/**
 * The default bridge's settings: kept in the store, or chosen now clear of every
 * network; read once per engine.
 */
function defaultBridge(context: EngineContext): BridgeSettings {
  const { layout, network } = context;
  if (network.defaultBridge) return network.defaultBridge;
  const networks = listUserNetworks(layout).map((each) => ({
    interfaceName: each.bridge,
    destination: parseSubnet(each.subnet),
  }));
  network.defaultBridge = bridgeSettings(
    layout,
    [...readHostRoutes(), ...networks],
    network.bridgeSubnet,
  );
  return network.defaultBridge;
}

function runningForwards(layout: StoreLayout): PortForward[] {
  return listRecords(layout)
    .filter((record) => isLive(refreshState(layout, record)))
    .flatMap((record) => forwardsOf(record.network));
}

/** `-p` and, with `-P`, each port the image exposes on a free host port. */
function wantedPorts(record: ContainerRecord, image: StoredImage): PortMapping[] {
  const { ports, publishAll } = record.spec;
  if (!publishAll) return ports;
  const exposed = image.config.exposedPorts
    .filter(
      ({ port, protocol }) =>
        !ports.some((p) => p.containerPort === port && p.protocol === protocol),
    )
    .map(({ port, protocol }) => ({ containerPort: port, protocol }));
  return [...ports, ...exposed];
}

/** One bridge a start puts the container on, with what the container asked of it. */
interface WantedBridge {
  bridge: BridgeSettings;
  /** The user-defined network's name; absent for the default bridge. */
  network?: string;
  aliases: string[];
  ip?: string;
}

/** The bridges a container's spec asks for, its first network first. */
function wantedBridges(context: EngineContext, record: ContainerRecord): WantedBridge[] {
  const { spec } = record;
  const mode = spec.network ?? 'none';
  const first: WantedBridge =
    mode === 'bridge'
      ? { bridge: defaultBridge(context), aliases: [] }
      : userBridge(context, mode, spec.networkAliases, spec.ip);
  const more = spec.moreNetworks.map((wanted) =>
    userBridge(context, wanted.network, wanted.aliases, wanted.ip),
  );
  return [first, ...more];
}

function userBridge(
  context: EngineContext,
  name: string,
  aliases: string[],
  ip: string | undefined,
): WantedBridge {
  const network = findUserNetwork(context.layout, name);
  return { bridge: bridgeOfNetwork(network), network: network.name, aliases, ip };
}

/** The address a start takes on a bridge: the one asked for, or the next free one. */
function leaseOn(layout: StoreLayout, wanted: WantedBridge, id: string): string {
  const { bridge, ip, network } = wanted;
  return ip
    ? leaseChosenAddress(
        layout,
        { name: network ?? 'bridge', subnet: bridge.subnet, gateway: bridge.gateway },
        ip,
        id,
      )
    : leaseAddress(layout, bridge.subnet, id, bridge.gateway);
}

/**
 * Decides a start's network and takes what it needs from the host: on bridges, an
 * address lease on each and the published ports. What it took is given back by
 * releaseNetwork, which the caller runs if the start fails.
 */
export async function prepareNetwork(
  context: EngineContext,
  record: ContainerRecord,
  image: StoredImage,
): Promise<StartNetwork> {
  const { layout, libc } = context;
  // A record from before Cove had networks has no mode: it had only `lo`.
  const mode = record.spec.network ?? 'none';
  const empty = { aliases: [], attachments: [], ports: [] };
  if (mode === 'none') return { init: { kind: 'none' }, record: { mode, ...empty } };
  if (mode === 'host') return { init: { kind: 'host' }, record: { mode, ...empty } };
  const joined = joinedContainer(mode);
  if (joined !== undefined) {
    const target = refreshState(layout, findRecord(layout, joined));
    const { pid, pidStartTime } = target.state;
    if (target.state.status !== 'running' || !pid || !pidStartTime) {
      throw new CoveError(
        `--network ${mode}: container ${target.name} is ${target.state.status}; start it first`,
      );
    }
    const { address, prefixLength, mac, gateway } = target.network ?? {};
    return {
      init: { kind: 'join', pid, startTime: pidStartTime },
      record: { mode, address, prefixLength, mac, gateway, ...empty },
    };
  }

  const wanted = wantedBridges(context, record);
  for (const { bridge } of wanted) await readyBridge(context, bridge);
  const leased: string[] = [];
  try {
    const links = wanted.map((want, index) => {
      const address = leaseOn(layout, want, record.id);
      leased.push(address);
      return plannedLink(record.id, want, address, index);
    });
    const [first, ...others] = links;
    if (!first) throw new CoveError('a container on a bridge needs one network at least');
    const network: ContainerNetwork = {
      mode,
      bridge: first.bridge.name,
      address: first.address,
      prefixLength: first.bridge.prefixLength,
      mac: first.mac,
      gateway: first.bridge.gateway,
      hostInterface: first.hostInterface,
      aliases: first.aliases,
      attachments: others.map(attachmentOf),
      ports: [],
    };
    network.ports = await chooseHostPorts(
      wantedPorts(record, image),
      portsInUse(layout, record.id),
    );
    const forwards = forwardsOf(network);
    if (forwards.length > 0) {
      await withContextAsync('publishing ports', () => publishPorts(forwards));
      await forgetUdpFlows(network.ports);
    }
    const mtu = defaultRouteMtu(libc, readHostRoutes());
    const named = links.find((link) => link.network !== undefined);
    return {
      init: {
        kind: 'bridge',
        interfaces: links.map((link) => link.containerInterface),
        ...(named ? { resolver: resolverOn(named.bridge) } : {}),
      },
      record: network,
      connect: async (initPid) => {
        for (const link of links) {
          attachVeth(libc, link.bridge, initPid, {
            hostInterface: link.hostInterface,
            peerName: link.containerInterface.name,
            mac: link.mac,
            mtu,
          });
        }
      },
    };
  } catch (error) {
    for (const address of leased) releaseAddress(layout, address, record.id);
    throw error;
  }
}

/** Everything about one interface of a container, decided before anything is made. */
interface PlannedLink extends WantedBridge {
  address: string;
  mac: string;
  hostInterface: string;
  containerInterface: ContainerInterface;
}

function plannedLink(id: string, want: WantedBridge, address: string, index: number): PlannedLink {
  const { bridge } = want;
  return {
    ...want,
    address,
    mac: macFor(parseIpv4(address)),
    hostInterface: hostInterfaceName(id, index),
    containerInterface: {
      name: `eth${index}`,
      address,
      prefixLength: bridge.prefixLength,
      gateway: bridge.gateway,
      // The first network's gateway is the way out, unless it is internal: no way out.
      defaultRoute: index === 0 && !bridge.internal,
    },
  };
}

function attachmentOf(link: PlannedLink): NetworkAttachment {
  return {
    network: link.network ?? 'bridge',
    interface: link.containerInterface.name,
    address: link.address,
    prefixLength: link.bridge.prefixLength,
    mac: link.mac,
    gateway: link.bridge.gateway,
    hostInterface: link.hostInterface,
    aliases: link.aliases,
  };
}

/** Cove's DNS answers on a user-defined network's gateway, and names end in its domain. */
export function resolverOn(bridge: BridgeSettings): ContainerResolver {
  return { nameserver: bridge.gateway, search: COVE_DNS_DOMAIN };
}

/**
 * A UDP "connection" conntrack saw before the port was published (a client that sent
 * to the host and got nothing) would keep going to the host: its entries go.
 */
async function forgetUdpFlows(ports: PublishedPort[]): Promise<void> {
  for (const port of ports.filter((p) => p.protocol === 'udp')) {
    // conntrack exits 1 when it deleted nothing.
    await runNetworkTool('conntrack', [
      '-D',
      '-p',
      'udp',
      '--orig-port-dst',
      String(port.hostPort),
    ]).catch(() => '');
  }
}

/**
 * Gives back what a start took: the address lease and the published ports. The veth went
 * with the container's network namespace. Safe to run twice, and after a flushed ruleset.
 */
export async function releaseNetwork(
  { layout }: Pick<EngineContext, 'layout'>,
  record: ContainerRecord,
  network: ContainerNetwork | undefined = record.network,
): Promise<void> {
  const addresses = addressesOf(network);
  if (addresses.length === 0) return;
  await withdrawPorts(forwardsOf(network)).catch(() => {});
  for (const address of addresses) releaseAddress(layout, address, record.id);
}

/** What a record keeps of its network once the container has stopped: the mode. */
export function stoppedNetwork(
  network: ContainerNetwork | undefined,
): ContainerNetwork | undefined {
  return network ? { mode: network.mode, aliases: [], attachments: [], ports: [] } : undefined;
}

/**
 * At an agent's start: leases of containers that are gone or stopped are freed; every
 * user-defined network's bridge comes back, and the default one if a running container
 * is on it, with the table and the running containers' ports (a reboot or `nft flush
 * ruleset` may have removed them).
 */
export async function restoreNetwork(context: EngineContext): Promise<void> {
  const { layout } = context;
  const records = new Map(listRecords(layout).map((record) => [record.id, record]));
  for (const [address, holder] of listLeases(layout)) {
    const record = records.get(holder);
    const live =
      record &&
      isLive(refreshState(layout, record)) &&
      addressesOf(record.network).includes(address);
    if (!live) releaseAddress(layout, address, holder);
  }
  const kept = keptBridgeSettings(layout);
  if (kept && onDefaultBridge(layout)) await readyBridge(context, defaultBridge(context));
  for (const network of listUserNetworks(layout)) {
    await readyBridge(context, bridgeOfNetwork(network));
  }
}

function holdsAnAddress(layout: StoreLayout): boolean {
  return listRecords(layout).some(
    (record) => addressesOf(record.network).length > 0 && isLive(refreshState(layout, record)),
  );
}

/** Whether a running container is on the default bridge. */
function onDefaultBridge(layout: StoreLayout): boolean {
  return listRecords(layout).some(
    (record) =>
      record.network?.bridge === BRIDGE_NAME &&
      record.network.address !== undefined &&
      isLive(refreshState(layout, record)),
  );
}

/**
 * When an agent stops and no running container is on the default bridge, Cove needs
 * it no more: it goes, and the table too if no user-defined network is left (the next
 * start makes them again). A user-defined network's bridge stays until `network rm`.
 */
export async function retireNetwork(context: EngineContext): Promise<void> {
  const { layout, libc } = context;
  const bridge = keptBridgeSettings(layout);
  if (!bridge && !context.network.tableReady) return; // this store never had a table
  if (bridge && !onDefaultBridge(layout)) {
    context.network.bridgesReady.delete(bridge.name);
    context.network.defaultBridge = undefined;
    await removeBridgeFromTable(bridge);
    if (interfaceExists(libc, bridge.name)) await deleteBridge(bridge).catch(() => '');
  }
  if (listUserNetworks(layout).length === 0 && !holdsAnAddress(layout)) {
    context.network.tableReady = undefined;
    await removeFirewallTable().catch(() => '');
  }
}
