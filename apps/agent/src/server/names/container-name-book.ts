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
 * change or a container event says aliases may have.
 *
 * How it learns that they changed: an inotify watch of the leases, so that an answer costs
 * no system call (a stat(2) per question was a fifth of an answer's CPU time). A "no" is
 * still confirmed with one stat(2), since the event of a lease taken just before its
 * container asked may be queued behind the question. Without a watch (none could be
 * made, or it failed) every question asks with a stat(2).
 */
export function createContainerNameBook(
  networks: Pick<NetworkCommands, 'addresses' | 'addressesChangedAt'> &
    Partial<Pick<NetworkCommands, 'watchAddresses'>>,
) {
  let index: Index | undefined;
  // One stat(2) per question at most, however often the server asks the book while
  // answering it (whether it serves the asker, then the name): good until the next turn.
  let checkedThisTurn = false;
  let watch: { close(): void } | undefined;

  const startWatching = () => {
    if (watch || !networks.watchAddresses) return;
    try {
      watch = networks.watchAddresses({
        changed: () => {
          index = undefined;
        },
        lost: () => {
          watch = undefined;
          index = undefined;
        },
      });
    } catch {
      watch = undefined; // say, no inotify watches left: the stat(2) per question it is
    }
  };
  const checked = (): Index => {
    if (!checkedThisTurn) {
      checkedThisTurn = true;
      queueMicrotask(() => {
        checkedThisTurn = false;
      });
    }
    const changedAt = networks.addressesChangedAt();
    if (!index || index.builtAt !== changedAt) index = buildIndex(networks.addresses(), changedAt);
    return index;
  };
  const current = (): Index => {
    if (index && (watch || checkedThisTurn)) return index;
    // Watching before reading: a lease taken between the two is then never missed.
    startWatching();
    return checked();
  };
  /** `ask`'s answer from the index; a "no" (undefined) from an unchecked index is asked again after a stat(2). */
  const confirmed = <T>(ask: (from: Index) => T | undefined): T | undefined => {
    const answer = ask(current());
    if (answer !== undefined || checkedThisTurn) return answer;
    return ask(checked());
  };

  const book: NameBook & { invalidate(): void; close(): void } = {
    domain: COVE_DNS_DOMAIN,
    invalidate() {
      index = undefined;
    },
    close() {
      watch?.close();
      watch = undefined;
    },
    serves(source) {
      return confirmed((from) => from.byAddress.has(source) || undefined) ?? false;
    },
    lookup(source, name) {
      return confirmed(({ byAddress, byNetwork }) => {
        const asker = byAddress.get(source);
        if (!asker) return undefined;
        const found: string[] = [];
        for (const network of asker.addresses.keys()) {
          for (const address of byNetwork.get(network)?.get(name) ?? []) {
            if (!found.includes(address)) found.push(address);
          }
        }
        return found.length > 0 ? found : undefined;
      });
    },
    reverse(source, address) {
      return confirmed(({ byAddress }) => {
        const asker = byAddress.get(source);
        const target = byAddress.get(address);
        if (!asker || !target) return undefined;
        for (const [network, theirs] of target.addresses) {
          if (theirs !== address || !asker.addresses.has(network)) continue;
          const [name] = target.names.get(network) ?? [];
          return name ? [`${name}.${COVE_DNS_DOMAIN}`] : undefined;
        }
        return undefined;
      });
    },
  };
  return book;
}
export type ContainerNameBook = ReturnType<typeof createContainerNameBook>;
