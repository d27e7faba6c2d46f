import {
  type ContainerRecord,
  type NetworkAttachment,
  type NetworkConnectInput,
  NetworkConnectSchema,
  type NetworkCreateInput,
  type NetworkMember,
  type NetworkSummary,
  type UserNetwork,
  userNetworkOf,
} from '@cove/shared';
import { CoveError, withContextAsync } from '../errors.js';
import {
  type LeaseWatch,
  leaseAddress,
  leaseChosenAddress,
  leasesChangedAt,
  listLeases,
  releaseAddress,
  watchLeases,
} from '../network/address-leases.js';
import { BRIDGE_NAME, keptBridgeSettings } from '../network/bridge-settings.js';
import { attachVeth, hostInterfaceName } from '../network/container-veth.js';
import { removeBridgeFromTable } from '../network/firewall-table.js';
import { deleteBridge, interfaceExists } from '../network/host-bridge.js';
import { defaultRouteMtu, readHostRoutes } from '../network/host-routes.js';
import { macFor, parseIpv4, subnetContains } from '../network/ipv4.js';
import { runNetworkTool } from '../network/network-tool.js';
import { configureRunningInterface } from '../network/running-interface.js';
import {
  bridgeOfNetwork,
  checkAddressOn,
  createUserNetwork,
  deleteUserNetwork,
  findUserNetwork,
  listUserNetworks,
} from '../network/user-networks.js';
import { isLive, readyBridge } from './container-network.js';
import { listRecords, writeRecord } from './container-store.js';
import { parseSpec } from './create-container.js';
import type { EngineContext } from './engine-context.js';
import { refreshState } from './refresh-state.js';

/** `cove network ...`: user-defined networks, and containers joining and leaving them. */
export interface NetworkCommands {
  create(request: NetworkCreateInput): Promise<UserNetwork>;
  /** The built-in networks, then the user-defined ones, each with its containers. */
  list(): NetworkSummary[];
  inspect(reference: string): NetworkSummary;
  /** Refused while a container is on it, naming them. */
  remove(reference: string): Promise<UserNetwork>;
  /** Removes every user-defined network no container is on; returns their names. */
  prune(): Promise<string[]>;
  connect(request: NetworkConnectInput): Promise<ContainerRecord>;
  disconnect(network: string, container: string): Promise<ContainerRecord>;
  /**
   * Every address a container holds on a user-defined network, with its names there:
   * what Cove's DNS answers. From the leases, which exist before the container's program
   * runs and go when it ends, so a name is never behind its container.
   */
  addresses(): NetworkAddress[];
  /** Changes whenever an address is taken or given back. */
  addressesChangedAt(): number;
  /** Tells `told` whenever an address is taken or given back, until closed (inotify). */
  watchAddresses(told: LeaseWatch): { close(): void };
}

/** A container's address on a user-defined network, and the names it has there. */
export interface NetworkAddress {
  network: string;
  address: string;
  containerId: string;
  /** Its name, then its `--network-alias`es on this network. */
  names: string[];
}

/** How the engine runs an operation on one container: after the one before it. */
type OnContainer = <T>(
  reference: string,
  operation: (record: ContainerRecord) => Promise<T>,
) => Promise<T>;

/** Every network a container's spec puts it on, by name. */
function networksOf(record: ContainerRecord): string[] {
  const first = record.spec.network ? userNetworkOf(record.spec.network) : undefined;
  return [...(first ? [first] : []), ...record.spec.moreNetworks.map((more) => more.network)];
}

function membersOf(
  records: ContainerRecord[],
  name: string,
  isOn: (record: ContainerRecord) => boolean,
): NetworkMember[] {
  return records.filter(isOn).map((record) => {
    const running = isLive(record);
    const network = running ? record.network : undefined;
    const attachment = network?.attachments.find((a) => a.network === name);
    const first = network && network.mode === name;
    const wanted =
      record.spec.network === name
        ? record.spec.networkAliases
        : (record.spec.moreNetworks.find((more) => more.network === name)?.aliases ?? []);
    return {
      id: record.id,
      name: record.name,
      ...(first ? { address: network.address, interface: 'eth0' } : {}),
      ...(attachment ? { address: attachment.address, interface: attachment.interface } : {}),
      aliases: wanted,
      running,
    };
  });
}

function summaryOf(network: UserNetwork, records: ContainerRecord[]): NetworkSummary {
  return {
    id: network.id,
    name: network.name,
    driver: 'bridge',
    userDefined: true,
    bridge: network.bridge,
    subnet: network.subnet,
    gateway: network.gateway,
    internal: network.internal,
    dns: true,
    createdAt: network.createdAt,
    members: membersOf(records, network.name, (record) =>
      networksOf(record).includes(network.name),
    ),
  };
}

/** The three built-in networks, as `docker network ls` shows them. */
function builtInSummaries(context: EngineContext, records: ContainerRecord[]): NetworkSummary[] {
  const bridge = keptBridgeSettings(context.layout);
  const on = (mode: string) => (record: ContainerRecord) => record.spec.network === mode;
  const base = { userDefined: false, internal: false, dns: false };
  return [
    {
      ...base,
      id: 'bridge',
      name: 'bridge',
      driver: 'bridge',
      bridge: BRIDGE_NAME,
      ...(bridge ? { subnet: bridge.subnet, gateway: bridge.gateway } : {}),
      members: membersOf(records, 'bridge', on('bridge')),
    },
    {
      ...base,
      id: 'host',
      name: 'host',
      driver: 'host',
      members: membersOf(records, 'host', on('host')),
    },
    {
      ...base,
      id: 'none',
      name: 'none',
      driver: 'null',
      members: membersOf(records, 'none', on('none')),
    },
  ];
}

/** The lowest ethN (N ≥ 1) a running container does not use yet. */
function freeInterfaceIndex(attachments: NetworkAttachment[]): number {
  const used = new Set(attachments.map((attachment) => attachment.interface));
  let index = 1;
  while (used.has(`eth${index}`)) index++;
  if (index > 20) throw new CoveError('a container is on 21 networks at most');
  return index;
}

export function createNetworkCommands(
  context: EngineContext,
  onContainer: OnContainer,
  emit: (record: ContainerRecord, type: 'connected' | 'disconnected') => void,
): NetworkCommands {
  const { layout, libc } = context;
  const records = () => listRecords(layout).map((record) => refreshState(layout, record));
  /** Creates and removes, one at a time: each subnet is chosen against the others. */
  const oneAtATime = <T>(change: () => Promise<T>): Promise<T> => {
    const next = context.network.changes.then(change, change);
    context.network.changes = next.catch(() => {});
    return next;
  };

  const removeNetwork = async (network: UserNetwork) => {
    const members = records().filter((record) => networksOf(record).includes(network.name));
    if (members.length > 0) {
      const names = members.map((record) => record.name).join(', ');
      throw new CoveError(
        `network ${network.name} has containers: ${names} (remove them, or cove network disconnect ${network.name} NAME, first)`,
      );
    }
    const bridge = bridgeOfNetwork(network);
    context.network.bridgesReady.delete(bridge.name);
    await removeBridgeFromTable(bridge);
    if (interfaceExists(libc, bridge.name)) {
      await withContextAsync(`removing the bridge ${bridge.name}`, () => deleteBridge(bridge));
    }
    deleteUserNetwork(layout, network);
    return network;
  };

  return {
    create: (request) =>
      oneAtATime(async () => {
        const network = createUserNetwork(
          layout,
          request,
          readHostRoutes(),
          keptBridgeSettings(layout)?.subnet,
        );
        try {
          await readyBridge(context, bridgeOfNetwork(network));
        } catch (error) {
          await removeNetwork(network).catch(() => {});
          throw error;
        }
        return network;
      }),
    list: () => {
      const all = records();
      return [
        ...builtInSummaries(context, all),
        ...listUserNetworks(layout).map((network) => summaryOf(network, all)),
      ];
    },
    inspect: (reference) => {
      const all = records();
      const builtIn = builtInSummaries(context, all).find((network) => network.name === reference);
      return builtIn ?? summaryOf(findUserNetwork(layout, reference), all);
    },
    remove: (reference) => oneAtATime(() => removeNetwork(findUserNetwork(layout, reference))),
    prune: () =>
      oneAtATime(async () => {
        const all = records();
        const idle = listUserNetworks(layout).filter(
          (network) => !all.some((record) => networksOf(record).includes(network.name)),
        );
        for (const network of idle) await removeNetwork(network);
        return idle.map((network) => network.name);
      }),

    addresses: () => {
      const networks = listUserNetworks(layout);
      const records = new Map(listRecords(layout).map((record) => [record.id, record]));
      return [...listLeases(layout)].flatMap(([address, id]): NetworkAddress[] => {
        const record = records.get(id);
        const network = networks.find((each) => subnetContains(each.subnet, address));
        if (!record || !network) return [];
        const { spec } = record;
        const aliases =
          spec.network === network.name
            ? spec.networkAliases
            : spec.moreNetworks.find((more) => more.network === network.name)?.aliases;
        if (aliases === undefined) return []; // a lease from before a disconnect
        return [
          { network: network.name, address, containerId: id, names: [record.name, ...aliases] },
        ];
      });
    },
    addressesChangedAt: () => leasesChangedAt(layout),
    watchAddresses: (told) => watchLeases(layout, told),

    connect: (input) => {
      const parsed = NetworkConnectSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new CoveError(`invalid ${issue?.path.join('.') || 'request'}: ${issue?.message}`);
      }
      const request = parsed.data;
      const network = findUserNetwork(layout, request.network);
      if (request.ip) checkAddressOn(network, request.ip);
      return onContainer(request.container, async (found) => {
        const record = refreshState(layout, found);
        const mode = record.spec.network ?? 'none';
        if (mode !== 'bridge' && userNetworkOf(mode) === undefined) {
          throw new CoveError(
            `container ${record.name} is on network "${mode}": only a container on a bridge network can join more`,
          );
        }
        if (networksOf(record).includes(network.name)) {
          throw new CoveError(`container ${record.name} is already on network ${network.name}`);
        }
        const wanted = { network: network.name, aliases: request.aliases, ip: request.ip };
        const spec = parseSpec({
          ...record.spec,
          moreNetworks: [...record.spec.moreNetworks, wanted],
        });
        if (isLive(record) && record.network) {
          record.network.attachments.push(await attachRunning(record, network, wanted));
        }
        record.spec = spec;
        writeRecord(layout, record);
        emit(record, 'connected');
        return record;
      });
    },

    disconnect: (reference, container) => {
      const network = findUserNetwork(layout, reference);
      return onContainer(container, async (found) => {
        const record = refreshState(layout, found);
        if (record.spec.network === network.name) {
          throw new CoveError(
            `network ${network.name} is container ${record.name}'s first network (eth0): a container keeps its first network; remove it and create it again to change it`,
          );
        }
        if (!networksOf(record).includes(network.name)) {
          throw new CoveError(`container ${record.name} is not on network ${network.name}`);
        }
        const attachment = record.network?.attachments.find((a) => a.network === network.name);
        if (attachment && isLive(record) && record.network) {
          // Deleting the host's end takes the pair, and the container's interface, with it.
          if (interfaceExists(libc, attachment.hostInterface)) {
            await withContextAsync(
              `removing ${attachment.interface} from container ${record.name}`,
              () => runNetworkTool('ip', ['link', 'delete', 'dev', attachment.hostInterface]),
            );
          }
          releaseAddress(layout, attachment.address, record.id);
          record.network.attachments = record.network.attachments.filter((a) => a !== attachment);
        }
        record.spec = parseSpec({
          ...record.spec,
          moreNetworks: record.spec.moreNetworks.filter((more) => more.network !== network.name),
        });
        writeRecord(layout, record);
        emit(record, 'disconnected');
        return record;
      });
    },
  };

  /** Seed 004's veth, added to a container that runs: a new ethN with its own address. */
  async function attachRunning(
    record: ContainerRecord,
    network: UserNetwork,
    wanted: { aliases: string[]; ip?: string },
  ): Promise<NetworkAttachment> {
    const live = record.network;
    const pid = record.state.pid;
    if (!live || !pid) throw new CoveError(`container ${record.name} has no network to add to`);
    const bridge = bridgeOfNetwork(network);
    await readyBridge(context, bridge);
    const index = freeInterfaceIndex(live.attachments);
    const address = wanted.ip
      ? leaseChosenAddress(layout, network, wanted.ip, record.id)
      : leaseAddress(layout, network.subnet, record.id, network.gateway);
    const attachment: NetworkAttachment = {
      network: network.name,
      interface: `eth${index}`,
      address,
      prefixLength: network.prefixLength,
      mac: macFor(parseIpv4(address)),
      gateway: network.gateway,
      hostInterface: hostInterfaceName(record.id, index),
      aliases: wanted.aliases,
    };
    try {
      attachVeth(libc, bridge, pid, {
        hostInterface: attachment.hostInterface,
        peerName: attachment.interface,
        mac: attachment.mac,
        mtu: defaultRouteMtu(libc, readHostRoutes()),
      });
      await configureRunningInterface(pid, record.state.pidStartTime, {
        name: attachment.interface,
        address,
        prefixLength: network.prefixLength,
        gateway: network.gateway,
        defaultRoute: false,
      });
    } catch (error) {
      if (interfaceExists(libc, attachment.hostInterface)) {
        await runNetworkTool('ip', ['link', 'delete', 'dev', attachment.hostInterface]).catch(
          () => '',
        );
      }
      releaseAddress(layout, address, record.id);
      throw error;
    }
    return attachment;
  }
}
