import { WebSocket } from 'ws';

/**
 * Asks the agent at `url` for a WebSocket upgrade of its tRPC path with `headers`:
 * 101 when it is granted, otherwise the HTTP status of the refusal.
 */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/trpc`, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => {});
  });
}
