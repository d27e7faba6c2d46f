import { ContainerReferenceSchema } from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc/trpc.js';

export const statsRouter = {
  /** Up to 15 minutes at 1 s, oldest first: a graph opened late starts full. */
  history: procedure
    .input(ContainerReferenceSchema)
    .query(({ ctx, input }) => ctx.stats.history(ctx.engine.inspect(input.id).id)),
  /**
   * The last `samples` of every running or paused container, oldest first, in one call:
   * the table's sparklines start full after a reload. The history bounds the answer.
   */
  recent: procedure
    .input(z.object({ samples: z.number().int().positive() }))
    .query(({ ctx, input }) =>
      ctx.engine
        .list()
        .filter((r) => r.state.status === 'running' || r.state.status === 'paused')
        .map((r) => ({ id: r.id, samples: ctx.stats.history(r.id).slice(-input.samples) })),
    ),
  watch: procedure.input(ContainerReferenceSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    yield* ctx.stats.watch(ctx.engine.inspect(input.id).id, signal);
  }),
  watchAll: procedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.stats.watchAll(signal);
  }),
} satisfies TRPCRouterRecord;
