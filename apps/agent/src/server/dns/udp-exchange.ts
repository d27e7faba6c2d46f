import { answersQuery } from './upstream-answer.js';
import { attemptExchange, type Upstream } from './upstream-attempt.js';
import type { LentSocket, UpstreamSockets } from './upstream-sockets.js';

/**
 * Sends `message` (the client's query, untouched) to `upstream` over UDP, on a socket of
 * its own for the exchange (see UpstreamSockets), and resolves with its answer, truncated
 * or not.
 */
export function exchangeOverUdp(
  sockets: UpstreamSockets,
  upstream: Upstream,
  message: Buffer,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer> {
  return attemptExchange('udp', upstream, timeoutMs, signal, (outcome) => {
    let ended = false;
    let answered = false;
    let lent: LentSocket | undefined;
    sockets.take(upstream, (error, socket) => {
      if (error || !socket) return outcome.fail(error?.message ?? 'no socket', error);
      // Ended (timed out, the server closing) while the socket was being connected.
      if (ended) return sockets.give(socket, false);
      lent = socket;
      socket.listen({
        message(answer) {
          if (!answersQuery(answer, message)) return;
          answered = true;
          outcome.answer(answer);
        },
        error: (failure) => outcome.fail(failure.message, failure),
      });
      socket.send(message);
    });
    return () => {
      ended = true;
      if (lent) sockets.give(lent, answered);
      lent = undefined;
    };
  });
}
