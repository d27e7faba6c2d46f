import { CoveError, exitCodeOf } from '@cove/core';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { AgentContext } from './context.js';

const t = initTRPC.context<AgentContext>().create({
  errorFormatter({ shape, error }) {
    // The message is for a person; stacks and internal paths stay in the agent's log.
    const { stack: _stack, ...data } = shape.data;
    // The engine's exit code for the failure (125 by default, 126/127 for a command
    // that cannot run), so `cove run` exits as `docker run` does.
    const exitCode = error.cause instanceof CoveError ? exitCodeOf(error.cause) : undefined;
    const message =
      error.cause instanceof ZodError ? describeInvalidInput(error.cause) : shape.message;
    return { ...shape, message, data: { ...data, exitCode } };
  },
});

/** Input that failed its schema, in one line: `invalid hostname: a hostname is …`. */
function describeInvalidInput(error: ZodError): string {
  return error.issues
    .map((issue) => {
      // The wrapper objects of an input (its spec) are not what the person typed.
      const path = issue.path.filter((part) => part !== 'spec').join('.');
      return path ? `invalid ${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** The engine's errors as tRPC codes a client can act on. */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof CoveError) {
    const message = error.message;
    const code = /^no such (container|image)|not found/.test(message)
      ? 'NOT_FOUND'
      : /already|is running|is paused|is not running|in use|too many/.test(message)
        ? 'CONFLICT'
        : 'BAD_REQUEST';
    return new TRPCError({ code, message, cause: error });
  }
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'the agent failed; its log has the details',
    cause: error,
  });
}

/** Logs what the client will not see, and turns any error into one it can act on. */
function clientError(error: unknown, log: AgentContext['log'], path: string): TRPCError {
  const cause =
    error instanceof TRPCError && error.code === 'INTERNAL_SERVER_ERROR' ? error.cause : error;
  if (cause instanceof TRPCError) return cause; // input validation and deliberate errors
  if (!(cause instanceof CoveError)) {
    log.error('request.failed', {
      path,
      message: String(cause),
      stack: cause instanceof Error ? cause.stack : undefined,
    });
  }
  return toTrpcError(cause);
}

/** A subscription's errors happen while it is iterated, after the middleware returned. */
async function* mappedIterable<T>(
  iterable: AsyncIterable<T>,
  log: AgentContext['log'],
  path: string,
): AsyncGenerator<T> {
  try {
    yield* iterable;
  } catch (error) {
    throw clientError(error, log, path);
  }
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

const mapErrors = t.middleware(async ({ next, ctx, path, type }) => {
  const result = await next();
  if (result.ok) {
    if (type === 'subscription' && isAsyncIterable(result.data)) {
      return { ...result, data: mappedIterable(result.data, ctx.log, path) };
    }
    return result;
  }
  const cause = result.error.cause;
  if (cause instanceof CoveError || result.error.code === 'INTERNAL_SERVER_ERROR') {
    throw clientError(cause ?? result.error, ctx.log, path);
  }
  return result; // input validation and deliberate TRPCErrors keep their shape
});

/** A call on a session's WebSocket while the socket closes after sign-out or expiry. */
const refuseEndedSession = t.middleware(({ ctx, next }) => {
  if (ctx.sessionHolds && !ctx.sessionHolds()) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the session ended: sign in again' });
  }
  return next();
});

export const router = t.router;
export const procedure = t.procedure.use(refuseEndedSession).use(mapErrors);
