import { TerminalOpenSchema } from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc/trpc.js';

export const terminalsRouter = {
  /** A session id; its bytes flow on the WebSocket at /api/terminals/<id>. */
  open: procedure.input(TerminalOpenSchema).mutation(async ({ ctx, input }) => {
    const session = await ctx.terminals.open(input);
    return session.describe();
  }),
  list: procedure
    .input(z.object({ container: z.string().min(1).max(128) }))
    .query(({ ctx, input }) =>
      ctx.terminals.list(ctx.engine.inspect(input.container).id).map((s) => s.describe()),
    ),
  close: procedure.input(z.object({ id: z.string().max(64) })).mutation(({ ctx, input }) => {
    const session = ctx.terminals.get(input.id);
    if (!session)
      throw new TRPCError({ code: 'NOT_FOUND', message: `no terminal session ${input.id}` });
    // A container's own terminal belongs to the container, as with `docker attach`:
    // closing it detaches. An exec session's program is hung up.
    if (session.mode === 'attach') session.detachAll();
    else session.close();
    return session.describe();
  }),
} satisfies TRPCRouterRecord;
