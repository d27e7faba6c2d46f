import type { Socket } from 'node:net';
import { clientAddress } from './client-address.js';
import type { QueryHandler } from './query-handler.js';
import { FrameReader, lengthPrefixed } from './tcp-framing.js';

/** A connection with nothing asked and nothing pending for this long is closed (RFC 7766 §6.2.3). */
const IDLE_TIMEOUT_MS = 10_000;
/**
 * Queries of one connection being answered at once (RFC 7766 §6.2.1.1 lets a client
 * pipeline). Past it, and while the client does not read its answers, the connection's
 * reading pauses, so a flood waits in the kernel's buffers rather than in ours.
 */
const MAX_QUERIES_IN_FLIGHT = 16;

/**
 * Serves the queries of one TCP connection, each after its 2-byte length, answering in the
 * order the answers are ready. Garbage ends the connection: its framing can no longer be
 * trusted.
 */
export function serveTcpConnection(socket: Socket, handler: QueryHandler): void {
  const source = clientAddress(socket.remoteAddress ?? '');
  const frames = new FrameReader();
  let inFlight = 0;
  let reading = false;
  let clientDone = false;

  const finishIfDone = () => {
    if (clientDone && inFlight === 0 && !socket.destroyed) socket.end();
  };

  const send = (reply: Buffer) => {
    inFlight--;
    if (socket.destroyed) return;
    socket.write(lengthPrefixed(reply));
    readQueries();
  };

  const readQueries = () => {
    // `send` runs inside `handle` for Cove's own names; the loop below picks up from there.
    if (reading) return;
    reading = true;
    while (inFlight < MAX_QUERIES_IN_FLIGHT && !socket.destroyed) {
      const message = frames.next();
      if (message === undefined) break;
      inFlight++;
      if (!handler.handle(message, source, 'tcp', send)) {
        socket.destroy();
        break;
      }
    }
    reading = false;
    if (socket.destroyed) return;
    if (inFlight >= MAX_QUERIES_IN_FLIGHT || socket.writableNeedDrain) socket.pause();
    else socket.resume();
    finishIfDone();
  };

  socket.setNoDelay(true);
  socket.setTimeout(IDLE_TIMEOUT_MS, () => {
    // A forward in flight is bounded by the upstream timeouts; its answer is still owed.
    if (inFlight === 0) socket.destroy();
  });
  // ECONNRESET and the like: the client went away, and so does the connection.
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    frames.push(chunk);
    readQueries();
  });
  socket.on('drain', readQueries);
  socket.on('end', () => {
    clientDone = true;
    finishIfDone();
  });
}
