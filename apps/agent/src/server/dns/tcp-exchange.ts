import { connect } from 'node:net';
import { FrameReader, lengthPrefixed } from './tcp-framing.js';
import { answersQuery } from './upstream-answer.js';
import { attemptExchange, type Upstream } from './upstream-attempt.js';

/** Sends `message` (the client's query, untouched) to `upstream` over TCP and resolves with its answer. */
export function exchangeOverTcp(
  upstream: Upstream,
  message: Buffer,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer> {
  return attemptExchange('tcp', upstream, timeoutMs, signal, (outcome) => {
    const frames = new FrameReader();
    const socket = connect({ host: upstream.address, port: upstream.port, noDelay: true });
    socket.on('error', (error) => outcome.fail(error.message, error));
    socket.on('close', () => outcome.fail('the connection closed before an answer'));
    socket.on('connect', () => socket.write(lengthPrefixed(message)));
    socket.on('data', (chunk) => {
      frames.push(chunk);
      const answer = frames.next();
      if (answer === undefined) return;
      if (answersQuery(answer, message)) outcome.answer(answer);
      else outcome.fail('the answer does not match the query');
    });
    return () => socket.destroy();
  });
}
