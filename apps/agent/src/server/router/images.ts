import {
  imageDiskUsage,
  listImages,
  loginRegistry,
  logoutRegistry,
  pullImage,
  removeImage,
} from '@cove/core';
import type { PullProgress } from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { procedure } from '../trpc/trpc.js';

const ReferenceSchema = z.object({ reference: z.string().min(1).max(512) });

export const imagesRouter = {
  list: procedure.query(({ ctx }) => listImages(ctx.engine.layout)),
  /** What the layers take on disk, each shared layer counted once. */
  usage: procedure.query(({ ctx }) => imageDiskUsage(ctx.engine.layout)),
  /** Checks the credentials with the registry, then keeps them (root-only) for pulls. */
  login: procedure
    .input(
      z.object({
        registry: z.string().max(256).optional(),
        username: z.string().min(1).max(256),
        password: z.string().min(1).max(4096),
        insecure: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { registry, insecure, ...credentials } = input;
      const result = await loginRegistry(ctx.engine.layout, registry, credentials, { insecure });
      return { registry: result.registry, authFile: `${ctx.engine.layout.root}/auth.json` };
    }),
  logout: procedure
    .input(z.object({ registry: z.string().max(256).optional() }))
    .mutation(({ ctx, input }) => logoutRegistry(ctx.engine.layout, input.registry)),
  remove: procedure
    .input(ReferenceSchema)
    .mutation(({ ctx, input }) => removeImage(ctx.engine.layout, input.reference)),
  /** Progress while the layers download; ends with `done`. Leaving cancels the pull. */
  pull: procedure
    .input(
      ReferenceSchema.extend({
        insecure: z.boolean().optional(),
        platform: z
          .string()
          .regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, 'a platform is OS/ARCH, e.g. linux/amd64')
          .optional(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }): AsyncGenerator<PullProgress> {
      const queue: PullProgress[] = [];
      let wake: (() => void) | undefined;
      let finished = false;
      let failure: unknown;
      let result: Awaited<ReturnType<typeof pullImage>> | undefined;
      let last: PullProgress | undefined;
      const pulling = pullImage(ctx.engine.layout, input.reference, {
        insecure: input.insecure,
        ...(input.platform ? { platform: input.platform } : {}),
        signal,
        onProgress: (progress) => {
          // The totals of `done` go out once, with the result, when the image is stored.
          if (progress.phase === 'done') last = progress;
          else queue.push(progress);
          wake?.();
        },
      }).then(
        (pulled) => {
          result = pulled;
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
      yield {
        phase: 'done',
        bytes: last?.bytes ?? 0,
        totalBytes: last?.totalBytes ?? null,
        ...(result
          ? {
              result: {
                reference: result.reference,
                digest: result.digest,
                warnings: result.warnings,
              },
            }
          : {}),
      };
    }),
} satisfies TRPCRouterRecord;
