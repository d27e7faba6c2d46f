import {
  NetworkConnectSchema,
  NetworkCreateSchema,
  type NetworkSummary,
  type UserNetwork,
} from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc/trpc.js';

const NetworkReferenceSchema = z.object({ id: z.string().min(1).max(128) });

/** User-defined networks: `cove network ...` and the dashboard's Networks page. */
export const networksRouter = {
  list: procedure.query(({ ctx }): NetworkSummary[] => ctx.engine.networks.list()),
  inspect: procedure
    .input(NetworkReferenceSchema)
    .query(({ ctx, input }): NetworkSummary => ctx.engine.networks.inspect(input.id)),
  // Cove's DNS follows: a server on each new network's gateway, none on a removed one's.
  create: procedure
    .input(NetworkCreateSchema)
    .mutation(async ({ ctx, input }): Promise<UserNetwork> => {
      const network = await ctx.engine.networks.create(input);
      await ctx.names.sync();
      return network;
    }),
  remove: procedure.input(NetworkReferenceSchema).mutation(async ({ ctx, input }) => {
    const { id, name } = await ctx.engine.networks.remove(input.id);
    await ctx.names.sync();
    return { id, name };
  }),
  prune: procedure.mutation(async ({ ctx }) => {
    const removed = await ctx.engine.networks.prune();
    await ctx.names.sync();
    return { removed };
  }),
  connect: procedure
    .input(NetworkConnectSchema)
    .mutation(({ ctx, input }) => ctx.engine.networks.connect(input)),
  disconnect: procedure
    .input(z.object({ network: z.string().min(1), container: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.engine.networks.disconnect(input.network, input.container)),
} satisfies TRPCRouterRecord;
