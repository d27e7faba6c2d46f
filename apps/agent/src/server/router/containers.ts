import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeLogLine } from '@cove/core';
import {
  ContainerReferenceSchema,
  ContainerSpecSchema,
  type ContainerSummary,
  type LogLine,
  type StartTrace,
} from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { readLogTail } from '../logs/log-tail.js';
import { shellsOf } from '../terminals/terminal-manager.js';
import { procedure } from '../trpc/trpc.js';
import { containerStreamProcedures } from './container-streams.js';
import { createAndStart } from './create-and-start.js';

const timeout = z.object({ timeoutSeconds: z.number().int().min(0).max(3600).optional() });

export const containersRouter = {
  ...containerStreamProcedures,
  list: procedure.query(({ ctx }): ContainerSummary[] =>
    ctx.engine.list().map((record) => ({
      record,
      stats:
        record.state.status === 'running' || record.state.status === 'paused'
          ? ctx.stats.latest(record.id)
          : null,
    })),
  ),
  inspect: procedure
    .input(ContainerReferenceSchema)
    .query(({ ctx, input }) => ctx.engine.inspect(input.id)),
  /** The last start's steps and calls; null when it was not traced (`agent --no-trace`). */
  trace: procedure
    .input(ContainerReferenceSchema)
    .query(({ ctx, input }): StartTrace | null => ctx.engine.trace(input.id) ?? null),
  /** The last failed starts, newest first, with the step that failed. */
  failedStarts: procedure.query(({ ctx }): StartTrace[] => ctx.engine.failedStarts()),
  create: procedure
    .input(z.object({ spec: ContainerSpecSchema, start: z.boolean().default(true) }))
    .mutation(async ({ ctx, input }) => {
      if (!input.start) return ctx.engine.create(input.spec);
      const { id } = await createAndStart(ctx.engine, input.spec);
      return ctx.engine.inspect(id);
    }),
  start: procedure.input(ContainerReferenceSchema).mutation(async ({ ctx, input }) => {
    await ctx.engine.start(input.id);
    return ctx.engine.inspect(input.id);
  }),
  stop: procedure
    .input(ContainerReferenceSchema.merge(timeout))
    .mutation(({ ctx, input }) => ctx.engine.stop(input.id, input.timeoutSeconds)),
  restart: procedure
    .input(ContainerReferenceSchema.merge(timeout))
    .mutation(async ({ ctx, input }) => {
      await ctx.engine.restart(input.id, input.timeoutSeconds);
      return ctx.engine.inspect(input.id);
    }),
  kill: procedure
    .input(ContainerReferenceSchema.extend({ signal: z.string().max(16).optional() }))
    .mutation(({ ctx, input }) => ctx.engine.kill(input.id, input.signal)),
  pause: procedure.input(ContainerReferenceSchema).mutation(async ({ ctx, input }) => {
    await ctx.engine.pause(input.id);
    return ctx.engine.inspect(input.id);
  }),
  unpause: procedure.input(ContainerReferenceSchema).mutation(async ({ ctx, input }) => {
    await ctx.engine.unpause(input.id);
    return ctx.engine.inspect(input.id);
  }),
  remove: procedure
    .input(ContainerReferenceSchema.extend({ force: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { id } = ctx.engine.inspect(input.id);
      await ctx.engine.remove(id, { force: input.force });
      return { id };
    }),
  shells: procedure
    .input(ContainerReferenceSchema)
    .query(({ ctx, input }) => shellsOf(ctx.engine.inspect(input.id))),
  eventHistory: procedure
    .input(ContainerReferenceSchema)
    .query(({ ctx, input }) => ctx.events.historyOf(ctx.engine.inspect(input.id).id)),
  events: procedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.events.subscribe(signal);
  }),
  /** The log's last lines, then new ones as they are written, until the client leaves. */
  logs: procedure
    .input(
      ContainerReferenceSchema.extend({
        tail: z.number().int().min(0).max(100_000).optional(),
        follow: z.boolean().default(true),
        /** Only lines read at or after this time (ms since the epoch). */
        since: z.number().int().nonnegative().optional(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }): AsyncGenerator<LogLine> {
      const path = ctx.engine.logPath(input.id);
      const { lines, endOffset } = await readLogTail(path, input.tail ?? 1000);
      const wanted = (line: LogLine) =>
        input.since === undefined || (line.t !== null && line.t >= input.since);
      for (const line of lines.map(logLineOf)) if (wanted(line)) yield line;
      if (!input.follow) return;
      let offset = endOffset;
      let partial = '';
      while (!signal?.aborted) {
        const size = await stat(path).then(
          (s) => s.size,
          () => 0,
        );
        if (size < offset) offset = 0; // rotated: start over on the new file
        if (size > offset) {
          const handle = await open(path, 'r');
          try {
            const length = Math.min(size - offset, 1024 * 1024);
            const buffer = Buffer.alloc(length);
            const { bytesRead } = await handle.read(buffer, 0, length, offset);
            offset += bytesRead;
            const parts = (partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
            partial = parts.pop() ?? '';
            for (const line of parts.map(logLineOf)) if (wanted(line)) yield line;
          } finally {
            await handle.close();
          }
          continue;
        }
        // Like `docker logs -f`: following ends once the container has stopped and all
        // it wrote has been sent (or once it is removed).
        const status = (() => {
          try {
            return ctx.engine.inspect(input.id).state.status;
          } catch {
            return 'removed';
          }
        })();
        if (status !== 'running' && status !== 'paused' && !ctx.engine.logger(input.id)) {
          if (partial) yield logLineOf(partial);
          return;
        }
        await sleep(250, undefined, { signal }).catch(() => {});
      }
    }),
} satisfies TRPCRouterRecord;

/** A record of the log file as the API's line: its newline dropped, or marked partial. */
function logLineOf(line: string): LogLine {
  const { time, stream, text } = decodeLogLine(line);
  return text.endsWith('\n')
    ? { t: time, stream, text: text.slice(0, -1) }
    : { t: time, stream, text, partial: true };
}
