import type { AppRouter } from '@cove/agent/router';
import type { TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { redirectToSignIn } from './sign-in-redirect';
import { trpcErrorCode } from './trpc-error';

/**
 * Sends the user to the sign-in page when any call, subscription included, answers
 * UNAUTHORIZED: the session expired or the agent was restarted with a new token.
 */
export const unauthorizedLink: TRPCLink<AppRouter> = () => {
  return ({ next, op }) =>
    observable((observer) => {
      const subscription = next(op).subscribe({
        next: (value) => observer.next(value),
        error: (error) => {
          if (trpcErrorCode(error) === 'UNAUTHORIZED') redirectToSignIn();
          observer.error(error);
        },
        complete: () => observer.complete(),
      });
      return () => subscription.unsubscribe();
    });
};
