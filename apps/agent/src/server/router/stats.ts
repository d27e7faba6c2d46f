import { ContainerReferenceSchema } from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { procedure } from '../trpc/trpc.js';

export const statsRouter = {
  /** Up to 15 minutes at 1 s, oldest first: a graph opened late starts full. */
  history: procedure
    .input(ContainerReferenceSchema)
    .query(({ ctx, input }) => ctx.stats.history(ctx.engine.inspect(input.id).id)),
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
