import type { Engine } from '@cove/core';
import { type DnsServer, startDnsServer } from '../dns/dns-server.js';
import type { Logger } from '../log.js';
import { createContainerNameBook } from './container-name-book.js';
import type { Upstream } from './upstream-resolvers.js';

/**
 * Cove's DNS: one server per user-defined network, on its gateway's port 53 (UDP and
 * TCP), all answering from one name book. `sync` follows the networks as they are
 * created and removed; `changed` tells the book a container started, ended or moved.
 */
export function createNameService(options: {
  engine: Pick<Engine, 'networks'>;
  upstreams: Upstream[];
  log: Logger;
  port?: number;
}) {
  const { engine, upstreams, log } = options;
  const book = createContainerNameBook(engine.networks);
  /** Gateway address → its server (or its start, while it starts). */
  const servers = new Map<string, Promise<DnsServer | undefined>>();
  let syncing: Promise<void> = Promise.resolve();

  // A host whose resolv.conf names a Cove gateway would have each server forward to
  // itself, round and round: those are never upstreams.
  const startOn = (network: string, address: string, gateways: Set<string>) =>
    startDnsServer({
      address,
      port: options.port ?? 53,
      book,
      upstreams: upstreams.filter((upstream) => !gateways.has(upstream.address)),
    }).catch((error) => {
      log.error('dns.listen-failed', { network, address, message: String(error) });
      servers.delete(address);
      return undefined;
    });

  const syncNow = async () => {
    const wanted = new Map(
      engine.networks
        .list()
        .filter((network) => network.userDefined && network.gateway)
        .map((network) => [network.gateway ?? '', network.name]),
    );
    for (const [address, server] of servers) {
      if (wanted.has(address)) continue;
      servers.delete(address);
      await (await server)?.close();
    }
    for (const [address, network] of wanted) {
      if (!servers.has(address)) {
        servers.set(address, startOn(network, address, new Set(wanted.keys())));
      }
    }
    await Promise.all(servers.values());
  };

  return {
    book,
    /** Starts and stops servers to match the user-defined networks; one sync at a time. */
    sync(): Promise<void> {
      syncing = syncing.then(syncNow, syncNow);
      return syncing;
    },
    changed(): void {
      book.invalidate();
    },
    async close(): Promise<void> {
      await syncing.catch(() => {});
      const all = [...servers.values()];
      servers.clear();
      for (const server of all) await (await server)?.close();
      book.close();
    },
  };
}
export type NameService = ReturnType<typeof createNameService>;
