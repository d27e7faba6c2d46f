import { QueryClient } from '@tanstack/react-query';
import { trpcErrorCode } from './trpc-error';

/** Errors the agent meant: asking again gives the same answer. */
const finalCodes = new Set(['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        retry: (failureCount, error) => {
          const code = trpcErrorCode(error);
          return !(code && finalCodes.has(code)) && failureCount < 3;
        },
      },
    },
  });
}
