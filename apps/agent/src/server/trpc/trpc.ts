import { CoveError } from '@cove/core';
import { initTRPC, TRPCError } from '@trpc/server';
import type { AgentContext } from './context.js';

const t = initTRPC.context<AgentContext>().create({
  errorFormatter({ shape }) {
    // The message is for a person; stacks and internal paths stay in the agent's log.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, data };
  },
});

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
    return new TRPCError({ code, message });
  }
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'the agent failed; its log has the details',
    cause: error,
  });
}

const mapErrors = t.middleware(async ({ next, ctx, path }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof CoveError) throw toTrpcError(cause);
  if (result.error.code === 'INTERNAL_SERVER_ERROR') {
    ctx.log.error('request.failed', {
      path,
      message: String(cause ?? result.error.message),
      stack: cause instanceof Error ? cause.stack : undefined,
    });
    throw toTrpcError(cause);
  }
  return result; // input validation and deliberate TRPCErrors keep their shape
});

export const router = t.router;
export const procedure = t.procedure.use(mapErrors);
