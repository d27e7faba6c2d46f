import { QueryClient } from '@tanstack/react-query';
import { trpcErrorCode } from './trpc-error';

/** Errors the agent meant: asking again gives the same answer. */
const finalCodes = new Set(['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);

/**
 * `networkMode: 'always'`: the agent is often on this very machine (127.0.0.1), which the
 * browser reaches whatever `navigator.onLine` says, and the browser's idea of "online"
 * follows the host's interfaces: the bridge losing its last container's veth made
 * Chromium report offline, and React Query then held every refetch until it came back,
 * so a container page kept showing a dead container as running. Whether the agent is
 * reachable is for the connection status (useAgentConnection) to say.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        networkMode: 'always',
        staleTime: 2_000,
        retry: (failureCount, error) => {
          const code = trpcErrorCode(error);
          return !(code && finalCodes.has(code)) && failureCount < 3;
        },
      },
      mutations: { networkMode: 'always' },
    },
  });
}
