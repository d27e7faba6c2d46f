import { isIPv4 } from 'node:net';
import { createBookAnswers } from './book-answers.js';
import type { NameBook } from './name-book.js';
import { createQueryHandler, type QueryHandler } from './query-handler.js';
import { createQuickAnswer } from './quick-answer.js';
import { listenTcp, type TcpListener } from './tcp-listener.js';
import { listenUdp, type UdpListener } from './udp-listener.js';
import { createUpstreamForwarder, type Upstream } from './upstream-forwarder.js';

export type { NameBook } from './name-book.js';

export interface DnsServerOptions {
  /** The IPv4 address to listen on (a bridge gateway; 127.0.0.x in tests). */
  address: string;
  /** Default 53; 0 picks a free one (tests). */
  port?: number;
  book: NameBook;
  /** Where other names are forwarded, tried in order. */
  upstreams: Upstream[];
  /** Per upstream attempt, default 2000. */
  upstreamTimeoutMs?: number;
  /** Of Cove's own answers, default 0: containers come and go. */
  ttl?: number;
}

export interface DnsServer {
  readonly address: string;
  /** The bound port (UDP and TCP share it). */
  readonly port: number;
  close(): Promise<void>;
}

const DEFAULT_PORT = 53;
const DEFAULT_UPSTREAM_TIMEOUT_MS = 2000;
const DEFAULT_TTL = 0;
/** Bounds what a flood can hold: sockets and memory for forwards, TCP connections. */
const MAX_PENDING_FORWARDS = 1024;
const MAX_TCP_CONNECTIONS = 64;
/** With port 0 the TCP side may find UDP's free port taken; a new pair is tried this often. */
const FREE_PORT_ATTEMPTS = 5;

/**
 * Answers DNS on `address`, UDP and TCP on one port: Cove's container names from the book,
 * everything else through the upstreams.
 */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const { address, book } = options;
  if (!isIPv4(address)) {
    throw new Error(`dns server: listen address '${address}' is not an IPv4 address`);
  }
  const domain = book.domain.toLowerCase();
  if (domain === '' || domain.startsWith('.') || domain.endsWith('.')) {
    throw new Error(`dns server: search domain '${book.domain}' must be a name without outer dots`);
  }

  const ttl = options.ttl ?? DEFAULT_TTL;
  if (!Number.isInteger(ttl) || ttl < 0) {
    throw new Error(`dns server: ttl ${ttl} must be a whole number of seconds, 0 or more`);
  }
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  if (!(upstreamTimeoutMs > 0)) {
    throw new Error(`dns server: upstream timeout ${upstreamTimeoutMs} ms must be above 0`);
  }

  const closing = new AbortController();
  const forwarder = createUpstreamForwarder({
    upstreams: [...options.upstreams],
    timeoutMs: upstreamTimeoutMs,
    maxPending: MAX_PENDING_FORWARDS,
    signal: closing.signal,
  });
  const handler = createQueryHandler(
    createBookAnswers(book, domain, ttl),
    forwarder,
    (source) => book.serves(source),
    createQuickAnswer(book, domain, ttl),
  );
  const { udp, tcp } = await listenOnOnePort(address, options.port ?? DEFAULT_PORT, handler);

  let closed: Promise<void> | undefined;
  return {
    address,
    port: udp.port,
    close() {
      closed ??= (async () => {
        closing.abort();
        await Promise.all([udp.close(), tcp.close()]);
      })();
      return closed;
    },
  };
}

async function listenOnOnePort(
  address: string,
  port: number,
  handler: QueryHandler,
): Promise<{ udp: UdpListener; tcp: TcpListener }> {
  for (let attempt = 1; ; attempt++) {
    const udp = await listenUdp(address, port, handler).catch((error: unknown) => {
      throw new Error(`dns server: listen on udp ${address}:${port}: ${reason(error)}`, {
        cause: error,
      });
    });
    try {
      return { udp, tcp: await listenTcp(address, udp.port, handler, MAX_TCP_CONNECTIONS) };
    } catch (error) {
      await udp.close();
      const retry = port === 0 && attempt < FREE_PORT_ATTEMPTS && code(error) === 'EADDRINUSE';
      if (!retry) {
        throw new Error(`dns server: listen on tcp ${address}:${udp.port}: ${reason(error)}`, {
          cause: error,
        });
      }
    }
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
