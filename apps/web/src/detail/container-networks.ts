import { type ContainerRecord, userNetworkOf } from '@cove/shared';

/** One network a container is on, as its page lists it. */
export interface ContainerNetworkEntry {
  network: string;
  /** Its first network (eth0): kept for its life, so it cannot be disconnected. */
  first: boolean;
  /** The interface and address in the container, while it runs. */
  interface?: string;
  address?: string;
  aliases: string[];
}

/**
 * The networks a container's spec puts it on, its first one then the others, with where
 * it is on each while it runs. The spec is what lasts (a stopped container is still on
 * its networks); the running record adds the interfaces.
 */
export function containerNetworks(record: ContainerRecord): ContainerNetworkEntry[] {
  const active = record.state.status === 'running' || record.state.status === 'paused';
  const live = active ? record.network : undefined;
  const mode = record.spec.network ?? 'bridge';
  const first: ContainerNetworkEntry = {
    network: mode,
    first: true,
    aliases: record.spec.networkAliases,
    ...(live?.address
      ? { interface: 'eth0', address: `${live.address}/${live.prefixLength}` }
      : {}),
  };
  const more = record.spec.moreNetworks.map((wanted): ContainerNetworkEntry => {
    const attachment = live?.attachments.find((a) => a.network === wanted.network);
    return {
      network: wanted.network,
      first: false,
      aliases: wanted.aliases,
      ...(attachment
        ? {
            interface: attachment.interface,
            address: `${attachment.address}/${attachment.prefixLength}`,
          }
        : {}),
    };
  });
  return [first, ...more];
}

/** Only a container on a bridge (Cove's or a user-defined one) can join more networks. */
export function canJoinNetworks(record: ContainerRecord): boolean {
  const mode = record.spec.network ?? 'bridge';
  return mode === 'bridge' || userNetworkOf(mode) !== undefined;
}
