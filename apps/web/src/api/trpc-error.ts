import { TRPCClientError } from '@trpc/client';

export type TrpcErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  | (string & {});

/** The tRPC error code the agent answered with, if the error came from the agent at all. */
export function trpcErrorCode(error: unknown): TrpcErrorCode | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (data && typeof data === 'object' && 'code' in data && typeof data.code === 'string') {
    return data.code;
  }
  return undefined;
}

/** A sentence for people: the agent's own message, or what went wrong on the way. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError && !trpcErrorCode(error)) {
    return 'Cannot reach the agent. Check that it is running; the dashboard retries by itself.';
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
