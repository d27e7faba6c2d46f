'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import type { TRPCWebSocketClient } from '@trpc/client';
import { createContext, type ReactNode, useContext, useState } from 'react';
import { createQueryClient } from './query-client';
import { fetchSessionState } from './session';
import { redirectToSignIn } from './sign-in-redirect';
import { TRPCProvider } from './trpc';
import { createAgentClients } from './trpc-client';

const AgentSocketContext = createContext<TRPCWebSocketClient | null>(null);

/** The query cache and the tRPC client for everything behind sign-in. */
export function ApiProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [clients] = useState(() => createAgentClients(checkSessionAfterSocketClosed));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={clients.client} queryClient={queryClient}>
        <AgentSocketContext.Provider value={clients.webSocket}>
          {children}
        </AgentSocketContext.Provider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

export function useAgentSocket(): TRPCWebSocketClient {
  const socket = useContext(AgentSocketContext);
  if (!socket) throw new Error('useAgentSocket must be used inside <ApiProvider>');
  return socket;
}

let lastSessionCheck = 0;

/**
 * A browser hides why a WebSocket upgrade failed, so a closed socket may mean a lost
 * session: ask the plain HTTP endpoint, at most every few seconds while it retries.
 */
function checkSessionAfterSocketClosed() {
  const now = Date.now();
  if (now - lastSessionCheck < 5_000) return;
  lastSessionCheck = now;
  fetchSessionState().then(
    (state) => {
      if (state === 'signed-out') redirectToSignIn();
    },
    () => {
      // The agent is unreachable; the socket keeps retrying and the status shows it.
    },
  );
}
