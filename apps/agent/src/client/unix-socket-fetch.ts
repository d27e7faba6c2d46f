import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The part of `fetch` that tRPC's `httpLink` and `httpBatchLink` call (their `fetch` option). */
export type UnixSocketFetch = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

/** The Fetch standard's null body statuses: `new Response` refuses a body with them. */
const nullBodyStatuses = new Set([204, 205, 304]);

/**
 * A `fetch` that talks HTTP over the agent's unix socket instead of TCP. The URL's path
 * and query are sent; its host only fills the `Host` header (use `http://localhost`).
 * Redirects are not followed: the agent's API sends none.
 *
 *   httpBatchLink({ url: 'http://localhost/api/trpc', fetch: unixSocketFetch(path), headers })
 *
 * WebSockets need no helper: `ws` dials a unix socket given `ws+unix:<socket path>:<path>`,
 * so the CLI's `wsLink` URL is `ws+unix:${socketPath}:/api/trpc` (ws ends the socket path
 * at its first ':', which is why `cove agent --socket` refuses paths with one). The bearer
 * token goes in the upgrade request's headers, as over TCP.
 */
export function unixSocketFetch(socketPath: string): UnixSocketFetch {
  return async (input, init) => {
    // A Request normalises every form of body, headers and method exactly as fetch does.
    const outgoing = new Request(input, init);
    const url = new URL(outgoing.url);
    const headers: Record<string, string> = {};
    for (const [name, value] of outgoing.headers) headers[name] = value;

    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const sent = httpRequest({
        socketPath,
        method: outgoing.method,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, host: url.host },
        signal: outgoing.signal,
      });
      sent.once('response', resolve);
      sent.once('error', reject);
      if (outgoing.body) {
        pipeline(Readable.fromWeb(outgoing.body), sent).catch(reject);
      } else {
        sent.end();
      }
    });

    const responseHeaders = new Headers();
    for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
      responseHeaders.append(response.rawHeaders[i] ?? '', response.rawHeaders[i + 1] ?? '');
    }
    const status = response.statusCode ?? 502;
    const hasBody = !nullBodyStatuses.has(status) && outgoing.method !== 'HEAD';
    if (!hasBody) response.resume();
    return new Response(hasBody ? Readable.toWeb(response) : null, {
      status,
      statusText: response.statusMessage ?? '',
      headers: responseHeaders,
    });
  };
}
