import type { AppRouter } from '@cove/agent/router';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCClient,
  type TRPCWebSocketClient,
  wsLink,
} from '@trpc/client';
import { trpcHttpPath, trpcWebSocketUrl } from './agent-urls';
import { unauthorizedLink } from './unauthorized-link';

export interface AgentClients {
  client: TRPCClient<AppRouter>;
  webSocket: TRPCWebSocketClient;
}

/**
 * Subscriptions (live stats, events, logs, pulls) share one WebSocket; queries and
 * mutations go over HTTP, batched. The socket pings so proxies that drop idle
 * connections after 30–100 s keep it, and reconnects by itself after a network blip.
 * Lazy: it opens with the first subscription, so a client that is never used (React's
 * strict mode builds two) never connects.
 */
export function createAgentClients(onSocketClosed: () => void): AgentClients {
  const webSocket = createWSClient({
    url: trpcWebSocketUrl,
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    lazy: { enabled: true, closeMs: 30_000 },
    retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 5_000),
    onClose: onSocketClosed,
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      unauthorizedLink,
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink<AppRouter>({ client: webSocket }),
        false: httpBatchLink({ url: trpcHttpPath }),
      }),
    ],
  });
  return { client, webSocket };
}
