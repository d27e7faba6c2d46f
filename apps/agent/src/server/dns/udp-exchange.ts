import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { DecodedPacket } from 'dns-packet';
import { answersQuery } from './upstream-answer.js';
import { attemptExchange, type Upstream } from './upstream-attempt.js';

/**
 * Sends `message` (the client's query, untouched) to `upstream` over UDP and resolves with
 * its answer, truncated or not. Each exchange has a socket of its own: a fresh random source
 * port makes a forged answer harder to land, and ids from different clients cannot collide.
 */
export function exchangeOverUdp(
  upstream: Upstream,
  message: Buffer,
  query: DecodedPacket,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer> {
  return attemptExchange('udp', upstream, timeoutMs, signal, (outcome) => {
    const socket = createSocket(isIPv6(upstream.address) ? 'udp6' : 'udp4');
    let open = true;
    // A connected socket receives only from the upstream, and an ICMP "port unreachable"
    // surfaces as an error at once instead of a timeout.
    socket.on('error', (error) => outcome.fail(error.message, error));
    socket.on('message', (answer) => {
      if (answersQuery(answer, query)) outcome.answer(answer);
    });
    socket.connect(upstream.port, upstream.address, () => {
      if (open) socket.send(message);
    });
    return () => {
      open = false;
      socket.close();
    };
  });
}
