import {
  type ContainerNetwork,
  type ContainerRecord,
  joinedContainer,
  type PortMapping,
  type PublishedPort,
} from '@cove/shared';
import { CoveError, withContextAsync } from '../errors.js';
import type { StoredImage } from '../image/image-config.js';
import { leaseAddress, listLeases, releaseAddress } from '../network/address-leases.js';
import { type BridgeSettings, bridgeSettings, bridgeWasSetUp } from '../network/bridge-settings.js';
import { attachVeth, hostInterfaceName } from '../network/container-veth.js';
import {
  applyFirewallTable,
  type PortForward,
  publishPorts,
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
import type { InitNetwork } from '../network/init-network.js';
import { macFor, parseIpv4 } from '../network/ipv4.js';
import { runNetworkTool } from '../network/network-tool.js';
import type { StoreLayout } from '../store/store-layout.js';
import { findRecord, listRecords } from './container-store.js';
import type { EngineContext } from './engine-context.js';
import { refreshState } from './refresh-state.js';

/** A container's network for one start: what the init is told, and the host's part. */
export interface StartNetwork {
  init: InitNetwork;
  /** What the record shows while the container runs. */
  record: ContainerNetwork;
  /** The host's side once the init has its network namespace (bridge only). */
  connect?(initPid: number): Promise<void>;
}

const isLive = (record: ContainerRecord) =>
  record.state.status === 'running' || record.state.status === 'paused';

/** The forwards a record's published ports make (none without an address). */
function forwardsOf(network: ContainerNetwork | undefined): PortForward[] {
  const address = network?.address;
  return address ? network.ports.map((port) => ({ ...port, address })) : [];
}

/** Every port the running containers publish, but `except`'s. */
function portsInUse(layout: StoreLayout, except: string) {
  return listRecords(layout)
    .filter((record) => record.id !== except && isLive(refreshState(layout, record)))
    .flatMap((record) =>
      (record.network?.ports ?? []).map((port) => ({ ...port, container: record.name })),
    );
}

/**
 * The bridge, its sysctls and Cove's firewall table, checked once per engine and made
 * when missing (a reboot, or `ip link del cove0`, removes the bridge; the table is
 * written anew with the running containers' ports).
 */
function readyBridge(context: EngineContext): Promise<BridgeSettings> {
  const { network, layout, libc } = context;
  network.bridgeReady ??= (async () => {
    const bridge = bridgeSettings(layout, readHostRoutes(), network.bridgeSubnet);
    // The table first (it names the bridge, which need not exist yet): a host without
    // nft is refused before anything is made.
    const forwards = runningForwards(layout);
    await withContextAsync("writing Cove's firewall table", () =>
      applyFirewallTable(bridge, forwards),
    );
    if (!interfaceExists(libc, bridge.name)) {
      try {
        await createBridge(bridge);
      } catch (error) {
        // With no container on the bridge the table just written has no use: it goes too.
        if (!holdsAnAddress(layout)) await removeFirewallTable().catch(() => {});
        throw error;
      }
    }
    setBridgeSysctls(bridge);
    return bridge;
  })();
  // A failure is not kept: the next start tries again (the user may have installed nft).
  network.bridgeReady.catch(() => {
    network.bridgeReady = undefined;
  });
  return network.bridgeReady;
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

/**
 * Decides a start's network and takes what it needs from the host: for `bridge`, an
 * address lease and the published ports. What it took is given back by releaseNetwork,
 * which the caller runs if the start fails.
 */
export async function prepareNetwork(
  context: EngineContext,
  record: ContainerRecord,
  image: StoredImage,
): Promise<StartNetwork> {
  const { layout, libc } = context;
  // A record from before Cove had networks has no mode: it had only `lo`.
  const mode = record.spec.network ?? 'none';
  if (mode === 'none') return { init: { kind: 'none' }, record: { mode, ports: [] } };
  if (mode === 'host') return { init: { kind: 'host' }, record: { mode, ports: [] } };
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
      record: { mode, address, prefixLength, mac, gateway, ports: [] },
    };
  }

  const bridge = await readyBridge(context);
  const address = leaseAddress(layout, bridge.subnet, record.id);
  const hostInterface = hostInterfaceName(record.id);
  const mac = macFor(parseIpv4(address));
  const network: ContainerNetwork = {
    mode,
    bridge: bridge.name,
    address,
    prefixLength: bridge.prefixLength,
    mac,
    gateway: bridge.gateway,
    hostInterface,
    ports: [],
  };
  try {
    network.ports = await chooseHostPorts(
      wantedPorts(record, image),
      portsInUse(layout, record.id),
    );
    const forwards = forwardsOf(network);
    if (forwards.length > 0) {
      await withContextAsync('publishing ports', () => publishPorts(forwards));
      await forgetUdpFlows(network.ports);
    }
  } catch (error) {
    releaseAddress(layout, address, record.id);
    throw error;
  }
  const mtu = defaultRouteMtu(libc, readHostRoutes());
  return {
    init: {
      kind: 'bridge',
      interface: {
        name: 'eth0',
        address,
        prefixLength: bridge.prefixLength,
        gateway: bridge.gateway,
      },
    },
    record: network,
    connect: async (initPid) => attachVeth(libc, bridge, initPid, { hostInterface, mac, mtu }),
  };
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
  if (!network?.address || network.mode !== 'bridge') return;
  await withdrawPorts(forwardsOf(network)).catch(() => {});
  releaseAddress(layout, network.address, record.id);
}

/** What a record keeps of its network once the container has stopped: the mode. */
export function stoppedNetwork(
  network: ContainerNetwork | undefined,
): ContainerNetwork | undefined {
  return network ? { mode: network.mode, ports: [] } : undefined;
}

/**
 * At an agent's start: leases of containers that are gone or stopped are freed, and if
 * the store ever had a bridge, the bridge and the table come back with the running
 * containers' ports (a reboot or `nft flush ruleset` may have removed them).
 */
export async function restoreNetwork(context: EngineContext): Promise<void> {
  const { layout } = context;
  const records = new Map(listRecords(layout).map((record) => [record.id, record]));
  for (const [address, holder] of listLeases(layout)) {
    const record = records.get(holder);
    const live =
      record && isLive(refreshState(layout, record)) && record.network?.address === address;
    if (!live) releaseAddress(layout, address, holder);
  }
  if (bridgeWasSetUp(layout) && holdsAnAddress(layout)) await readyBridge(context);
}

function holdsAnAddress(layout: StoreLayout): boolean {
  return listRecords(layout).some(
    (record) => record.network?.address !== undefined && isLive(refreshState(layout, record)),
  );
}

/**
 * When an agent stops and no running container is on the bridge, Cove needs neither
 * the bridge nor its table: both go (the next bridge start makes them again).
 */
export async function retireNetwork(context: EngineContext): Promise<void> {
  const { layout, libc } = context;
  if (!bridgeWasSetUp(layout) || holdsAnAddress(layout)) return;
  const bridge = bridgeSettings(layout, []);
  context.network.bridgeReady = undefined;
  await removeFirewallTable().catch(() => '');
  if (interfaceExists(libc, bridge.name)) await deleteBridge(bridge).catch(() => '');
}
