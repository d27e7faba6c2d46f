import { VolumeCreateSchema, type VolumeSummary } from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc/trpc.js';

const VolumeReferenceSchema = z.object({ name: z.string().min(1).max(128) });

/** Named volumes: `cove volume ...` and `-v NAME:/path`. */
export const volumesRouter = {
  list: procedure.query(({ ctx }): VolumeSummary[] => ctx.engine.volumes.list()),
  inspect: procedure
    .input(VolumeReferenceSchema)
    .query(({ ctx, input }): VolumeSummary => ctx.engine.volumes.inspect(input.name)),
  create: procedure
    .input(VolumeCreateSchema)
    .mutation(({ ctx, input }): VolumeSummary => ctx.engine.volumes.create(input.name)),
  remove: procedure.input(VolumeReferenceSchema).mutation(({ ctx, input }) => {
    ctx.engine.volumes.remove(input.name);
    return { name: input.name };
  }),
  prune: procedure.mutation(({ ctx }) => ({ removed: ctx.engine.volumes.prune() })),
} satisfies TRPCRouterRecord;
