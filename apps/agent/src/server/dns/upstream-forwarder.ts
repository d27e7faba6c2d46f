import { setMaxListeners } from 'node:events';
import type { Transport } from './dns-reply.js';
import { exchangeOverTcp } from './tcp-exchange.js';
import { exchangeOverUdp } from './udp-exchange.js';
import type { Upstream } from './upstream-attempt.js';
import { createUpstreamSockets } from './upstream-sockets.js';

export type { Upstream } from './upstream-attempt.js';

export interface UpstreamForwarderOptions {
  /** Tried in order; the next one only when the one before failed or did not answer in time. */
  upstreams: readonly Upstream[];
  timeoutMs: number;
  /** Forwards in flight at once; past it a query fails at once instead of holding memory. */
  maxPending: number;
  /** Aborted when the server closes: every exchange stops and releases its socket. */
  signal: AbortSignal;
}

export interface UpstreamForwarder {
  /**
   * An upstream's answer to `message` (the client's query), its bytes
   * untouched: the client's id, the upstream's name compression, a TC bit if it set one.
   * Asked over the client's transport, since a UDP client cannot take more than UDP holds and
   * a TCP client asked over TCP for a reason. Undefined when every upstream failed or too
   * many forwards are pending.
   */
  forward(message: Buffer, transport: Transport): Promise<Buffer | undefined>;
}

/** Past these a socket to an upstream is closed rather than kept for the next forward. */
const SOCKET_MAX_USES = 100;
const SOCKET_MAX_IDLE = 64;

export function createUpstreamForwarder(options: UpstreamForwarderOptions): UpstreamForwarder {
  const { upstreams, timeoutMs, maxPending, signal } = options;
  // Each forward in flight listens for the abort, as many as `maxPending`, and the sockets do.
  setMaxListeners(maxPending + 1, signal);
  const sockets = createUpstreamSockets({ maxUses: SOCKET_MAX_USES, maxIdle: SOCKET_MAX_IDLE });
  signal.addEventListener('abort', () => sockets.close(), { once: true });
  const exchange = (upstream: Upstream, message: Buffer, transport: Transport) =>
    transport === 'udp'
      ? exchangeOverUdp(sockets, upstream, message, timeoutMs, signal)
      : exchangeOverTcp(upstream, message, timeoutMs, signal);
  let pending = 0;
  return {
    async forward(message, transport) {
      if (pending >= maxPending) return undefined;
      pending++;
      try {
        for (const upstream of upstreams) {
          if (signal.aborted) return undefined;
          try {
            return await exchange(upstream, message, transport);
          } catch {
            // This upstream is down or slow: the next one may answer, and when none does the
            // client hears SERVFAIL. Why one failed is no business of the client's.
          }
        }
        return undefined;
      } finally {
        pending--;
      }
    },
  };
}
