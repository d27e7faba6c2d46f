import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Gives a request `ms` to arrive whole, body included, then answers 408 and closes the
 * connection: a client that sends a body byte by byte must not hold a connection for
 * ever (slowloris). Node's own `requestTimeout` does this for every request alike; the
 * agent sets its own so that an image upload can be exempted. Returns the way to cancel.
 */
export function limitRequestTime(
  request: IncomingMessage,
  response: ServerResponse,
  ms: number,
): () => void {
  const timer = setTimeout(() => {
    if (request.complete) return;
    if (response.headersSent) {
      request.destroy();
      return;
    }
    response
      .writeHead(408, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify({ error: `the request took over ${ms / 1000} s to arrive` }), () =>
        request.destroy(),
      );
  }, ms);
  const cancel = () => clearTimeout(timer);
  // 'close' comes once the request is read whole, or its connection is gone.
  request.once('close', cancel);
  return cancel;
}
