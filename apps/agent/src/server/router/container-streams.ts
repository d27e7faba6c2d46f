import type { Readable } from 'node:stream';
import type { OutputChunk } from '@cove/core';
import { ContainerReferenceSchema, ContainerSpecSchema, type ProcessEvent } from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { createEventQueue } from '../processes/event-queue.js';
import { procedure } from '../trpc/trpc.js';
import { createAndStart } from './create-and-start.js';

const MiB = 1024 * 1024;

/**
 * Processes whose output the caller reads as it comes and whose exit code it waits for:
 * `cove run` and `cove exec` without a terminal. (With one, they go through a terminal
 * session instead.) Input, when asked for, goes through `writeStdin`.
 */
export const containerStreamProcedures = {
  /**
   * Creates and starts a container with its output attached, as `docker run` without -d.
   * The client leaving
   * detaches it (its input ends); the container goes on, its output still logged.
   */
  runAttached: procedure
    .input(z.object({ spec: ContainerSpecSchema, stdin: z.boolean().default(false) }))
    .subscription(async function* ({ ctx, input, signal }): AsyncGenerator<ProcessEvent> {
      // Output is never held back from the log: a client that falls behind by more than
      // the queue loses live output, is told how much, and finds it in the log.
      let dropped = 0;
      const queue = createEventQueue<ProcessEvent>({ signal, highWaterBytes: 4 * MiB });
      const onOutput = ({ stream, data }: OutputChunk) => {
        if (queue.full) {
          dropped += data.length;
          return;
        }
        if (dropped) queue.push({ type: 'dropped', bytes: dropped });
        dropped = 0;
        queue.push({ type: 'output', stream, data: data.toString('base64') }, data.length);
      };
      const running = await createAndStart(ctx.engine, input.spec, {
        kind: 'log',
        stdin: input.stdin,
        onOutput,
      });
      const stdinId = running.stdin ? ctx.stdin.add(running.stdin) : null;
      void running.exited.then((exitCode) => {
        if (dropped) queue.push({ type: 'dropped', bytes: dropped });
        queue.push({ type: 'exit', exitCode });
        queue.end();
      });
      try {
        yield { type: 'started', id: running.id, stdinId };
        yield* queue.drain();
      } finally {
        queue.end();
        if (stdinId) ctx.stdin.remove(stdinId);
      }
    }),

  /**
   * Runs a command in a running container with its output attached, as `docker exec`
   * without -t. A slow client pauses the process's output (the pipe fills, the process
   * waits), as a slow terminal would. The client leaving lets it run on unread.
   */
  exec: procedure
    .input(
      ContainerReferenceSchema.extend({
        args: z
          .array(z.string().max(128 * 1024))
          .min(1, 'exec needs a command')
          .max(4096),
        env: z
          .array(z.string().max(32 * 1024))
          .max(256)
          .optional(),
        user: z.string().max(64).optional(),
        workdir: z.string().max(4096).optional(),
        stdin: z.boolean().default(false),
        /** Record how the process is started: the `started` event carries the trace. */
        trace: z.boolean().default(false),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }): AsyncGenerator<ProcessEvent> {
      const { id, stdin: wantsStdin, ...options } = input;
      const process = await ctx.engine.exec(id, options);
      const outputs: Array<[OutputChunk['stream'], Readable | null]> = [
        ['stdout', process.stdout],
        ['stderr', process.stderr],
      ];
      const queue = createEventQueue<ProcessEvent>({
        signal,
        highWaterBytes: MiB,
        onPressure: (full) => {
          for (const [, readable] of outputs) full ? readable?.pause() : readable?.resume();
        },
      });
      if (!wantsStdin) process.stdin?.end();
      const stdinId = wantsStdin && process.stdin ? ctx.stdin.add(process.stdin) : null;
      const drained = outputs.map(
        ([stream, readable]) =>
          new Promise<void>((resolve) => {
            if (!readable) return resolve();
            readable.on('data', (data: Buffer) =>
              queue.push({ type: 'output', stream, data: data.toString('base64') }, data.length),
            );
            readable.once('close', resolve);
            readable.once('error', () => resolve());
          }),
      );
      void Promise.all([process.exited, ...drained]).then(([exitCode]) => {
        queue.push({ type: 'exit', exitCode });
        queue.end();
      });
      try {
        const { trace } = process;
        yield { type: 'started', id: String(process.pid), stdinId, ...(trace ? { trace } : {}) };
        yield* queue.drain();
      } finally {
        queue.end();
        // Unread from now on: keep the pipes flowing so the process never blocks on them.
        for (const [, readable] of outputs) readable?.resume();
        if (stdinId) ctx.stdin.remove(stdinId);
      }
    }),

  /** Input for a process started with `stdin`: in order, one call after the other. */
  writeStdin: procedure
    .input(
      z.object({
        stdinId: z.string().regex(/^[0-9a-f]{32}$/, 'not a stdin id'),
        /** base64, at most 512 KiB of bytes a call. */
        data: z.string().max(700_000).default(''),
        end: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.stdin.write(input.stdinId, Buffer.from(input.data, 'base64'), input.end);
      return { ok: true };
    }),

  /** Waits until the container is no longer running; its exit code. */
  wait: procedure.input(ContainerReferenceSchema).mutation(async ({ ctx, input, signal }) => {
    for (;;) {
      const { state } = ctx.engine.inspect(input.id);
      if (state.status === 'exited' || state.status === 'created') {
        return { exitCode: state.exitCode ?? null };
      }
      if (signal?.aborted) return { exitCode: null };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }),
} satisfies TRPCRouterRecord;
