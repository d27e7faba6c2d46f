import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import type { AppRouter } from '../../src/server/router/root.js';

/** What happened to one client's WebSocket: a steady one opens once and never drops. */
export interface SocketHistory {
  opens: number;
  errors: number;
  /** Close codes of closes the test did not ask for. */
  drops: Array<number | undefined>;
}

/**
 * A tRPC client on a WebSocket of its own, as each open dashboard tab has, authenticated
 * as the CLI is; `startAgentProcess` gives the URL and token. Not lazy: the socket opens
 * at once and stays open until `close`, with the client's keepAlive pings on.
 */
export function connectSocketClient(agent: { url: string; token: string }) {
  const authorization = `Bearer ${agent.token}`;
  class AuthenticatedSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { authorization } });
    }
  }
  const history: SocketHistory = { opens: 0, errors: 0, drops: [] };
  let closing = false;
  const wsClient = createWSClient({
    url: `${agent.url.replace('http', 'ws')}/api/trpc`,
    WebSocket: AuthenticatedSocket as never,
    // Generous: a loaded 2-core machine may answer a ping late; a dead agent still shows.
    keepAlive: { enabled: true, intervalMs: 5_000, pongTimeoutMs: 15_000 },
    onOpen: () => {
      history.opens++;
    },
    onError: () => {
      history.errors++;
    },
    onClose: (cause) => {
      if (!closing) history.drops.push(cause?.code);
    },
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  return {
    client,
    history,
    async close(): Promise<void> {
      closing = true;
      await wsClient.close();
    },
  };
}
export type SocketClient = ReturnType<typeof connectSocketClient>;
