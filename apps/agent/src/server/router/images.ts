import { listImages, pullImage, removeImage } from '@cove/core';
import type { PullProgress } from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc/trpc.js';

const ReferenceSchema = z.object({ reference: z.string().min(1).max(512) });

export const imagesRouter = {
  list: procedure.query(({ ctx }) => listImages(ctx.engine.layout)),
  remove: procedure
    .input(ReferenceSchema)
    .mutation(({ ctx, input }) => removeImage(ctx.engine.layout, input.reference)),
  /** Progress while the layers download; ends with `done`. Leaving cancels the pull. */
  pull: procedure
    .input(ReferenceSchema.extend({ insecure: z.boolean().optional() }))
    .subscription(async function* ({ ctx, input, signal }): AsyncGenerator<PullProgress> {
      const queue: PullProgress[] = [];
      let wake: (() => void) | undefined;
      let finished = false;
      let failure: unknown;
      const pulling = pullImage(ctx.engine.layout, input.reference, {
        insecure: input.insecure,
        signal,
        onProgress: (progress) => {
          queue.push(progress);
          wake?.();
        },
      }).then(
        () => {
          finished = true;
          wake?.();
        },
        (error) => {
          failure = error;
          finished = true;
          wake?.();
        },
      );
      while (!finished || queue.length) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      await pulling;
      if (failure) throw failure;
      yield { phase: 'done', bytes: 0, totalBytes: null };
    }),
} satisfies TRPCRouterRecord;
