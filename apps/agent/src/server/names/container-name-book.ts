import type { NetworkAddress, NetworkCommands } from '@cove/core';
import { COVE_DNS_DOMAIN } from '@cove/shared';
import type { NameBook } from '../dns/dns-server.js';

/** A container as the names see it: where it is, and what it is called there. */
interface Presence {
  /** Network name → its address there. */
  addresses: Map<string, string>;
  /** Network name → the names it answers to there (lower case). */
  names: Map<string, string[]>;
}

interface Index {
  /** When the leases it was built from last changed. */
  builtAt: number;
  /** A container's address on a user-defined network → its presence. */
  byAddress: Map<string, Presence>;
  /** Network → name → addresses (one per container that has the name there). */
  byNetwork: Map<string, Map<string, string[]>>;
}

function buildIndex(addresses: NetworkAddress[], builtAt: number): Index {
  const index: Index = { builtAt, byAddress: new Map(), byNetwork: new Map() };
  const presences = new Map<string, Presence>();
  for (const { network, address, containerId, names } of addresses) {
    const presence = presences.get(containerId) ?? { addresses: new Map(), names: new Map() };
    presences.set(containerId, presence);
    const own = [...names.map((name) => name.toLowerCase()), containerId.slice(0, 12)];
    presence.addresses.set(network, address);
    presence.names.set(network, own);
    index.byAddress.set(address, presence);
    const byName = index.byNetwork.get(network) ?? new Map<string, string[]>();
    for (const name of own) byName.set(name, [...(byName.get(name) ?? []), address]);
    index.byNetwork.set(network, byName);
  }
  return index;
}

/**
 * The names Cove's DNS answers: a container sees the names, aliases and short ids of the
 * containers that share a user-defined network with it, each at its address on that
 * network, and nothing of the others. Built from the engine's address leases, which
 * exist before a container's program runs and go when it ends; read again when they
 * change (one stat(2) per question tells) or a container event says aliases may have.
 */
export function createContainerNameBook(
  networks: Pick<NetworkCommands, 'addresses' | 'addressesChangedAt'>,
) {
  let index: Index | undefined;
  // One stat(2) per question, however often the server asks the book while answering it
  // (whether it serves the asker, then the name): the check is good until the next turn.
  let checkedThisTurn = false;
  const current = () => {
    if (index && checkedThisTurn) return index;
    checkedThisTurn = true;
    queueMicrotask(() => {
      checkedThisTurn = false;
    });
    const changedAt = networks.addressesChangedAt();
    if (!index || index.builtAt !== changedAt) index = buildIndex(networks.addresses(), changedAt);
    return index;
  };
  const book: NameBook & { invalidate(): void } = {
    domain: COVE_DNS_DOMAIN,
    invalidate() {
      index = undefined;
    },
    serves(source) {
      return current().byAddress.has(source);
    },
    lookup(source, name) {
      const { byAddress, byNetwork } = current();
      const asker = byAddress.get(source);
      if (!asker) return undefined;
      const found: string[] = [];
      for (const network of asker.addresses.keys()) {
        for (const address of byNetwork.get(network)?.get(name) ?? []) {
          if (!found.includes(address)) found.push(address);
        }
      }
      return found.length > 0 ? found : undefined;
    },
    reverse(source, address) {
      const { byAddress } = current();
      const asker = byAddress.get(source);
      const target = byAddress.get(address);
      if (!asker || !target) return undefined;
      for (const [network, theirs] of target.addresses) {
        if (theirs !== address || !asker.addresses.has(network)) continue;
        const [name] = target.names.get(network) ?? [];
        return name ? [`${name}.${COVE_DNS_DOMAIN}`] : undefined;
      }
      return undefined;
    },
  };
  return book;
}
export type ContainerNameBook = ReturnType<typeof createContainerNameBook>;
