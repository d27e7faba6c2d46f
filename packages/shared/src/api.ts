import { z } from 'zod';
import { ContainerRecordSchema } from './container-record.js';
import { NetworkCountersSchema } from './network.js';
import { StartTraceSchema } from './trace.js';

/**
 * What crosses the agent's API besides specs and records: the dashboard, the CLI and
 * the agent share these shapes. Times are milliseconds since the epoch.
 */

export const ContainerReferenceSchema = z.object({
  /** A container's id, its unique id prefix, or its name. */
  id: z.string().min(1).max(128),
});

/** One second of a container's cgroup, as the graphs draw it. Bytes; `null` = no limit. */
export const StatsSampleSchema = z.object({
  t: z.number(),
  memory: z.object({
    current: z.number(),
    limit: z.number().nullable(),
    peak: z.number().nullable(),
    anon: z.number(),
    file: z.number(),
  }),
  pids: z.object({ current: z.number(), limit: z.number().nullable() }),
  /** Share of one CPU over the last interval: 100 = one full core. */
  cpuPercent: z.number(),
  /** Its traffic since it started, for containers with an interface of their own (bridge). */
  network: NetworkCountersSchema.optional(),
});
export type StatsSample = z.infer<typeof StatsSampleSchema>;

export const ContainerSummarySchema = z.object({
  record: ContainerRecordSchema,
  /** The latest sample, when the container is running or paused. */
  stats: StatsSampleSchema.nullable(),
});
export type ContainerSummary = z.infer<typeof ContainerSummarySchema>;

export const ContainerEventTypeSchema = z.enum([
  'created',
  'started',
  'died',
  'oom',
  'paused',
  'unpaused',
  'restarting',
  'removed',
  /** `network connect` and `network disconnect`, while it runs or not. */
  'connected',
  'disconnected',
]);
export const ContainerEventSchema = z.object({
  t: z.number(),
  type: ContainerEventTypeSchema,
  containerId: z.string(),
  name: z.string(),
  /** For `died`: the exit code, or null when nobody saw it. */
  exitCode: z.number().int().nullable().optional(),
});
export type ContainerEvent = z.infer<typeof ContainerEventSchema>;

export const LogLineSchema = z.object({
  /** When the container's logger read it; null for lines of a log from before timestamps. */
  t: z.number().nullable(),
  stream: z.enum(['stdout', 'stderr']),
  /** The line, without its newline. */
  text: z.string(),
  /** The line went on no further (a prompt, say): print no newline after it. */
  partial: z.boolean().optional(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

export const MissingFeatureSchema = z.object({
  feature: z.string(),
  /** What the user can do about it, in one sentence. */
  fix: z.string(),
});

export const SystemInfoSchema = z.object({
  version: z.string(),
  kernel: z.string(),
  hostname: z.string(),
  cgroup: z.object({ mode: z.enum(['v1', 'v2']), controllers: z.array(z.string()) }),
  store: z.object({ root: z.string(), bytesUsed: z.number() }),
  missing: z.array(MissingFeatureSchema),
});
export type SystemInfo = z.infer<typeof SystemInfoSchema>;

export const ImageSummarySchema = z.object({
  /** NAME:TAG as `cove run` takes it. */
  reference: z.string(),
  digest: z.string().nullable(),
  sizeBytes: z.number(),
  createdAt: z.string().nullable(),
});
export type ImageSummary = z.infer<typeof ImageSummarySchema>;

export const PullProgressSchema = z.object({
  phase: z.enum(['resolving', 'downloading', 'extracting', 'done']),
  layer: z.string().optional(),
  bytes: z.number(),
  totalBytes: z.number().nullable(),
  /** With `done`: what was pulled. */
  result: z
    .object({ reference: z.string(), digest: z.string(), warnings: z.array(z.string()) })
    .optional(),
});
export type PullProgress = z.infer<typeof PullProgressSchema>;

export const TerminalSizeSchema = z.object({
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});

export const TerminalOpenSchema = TerminalSizeSchema.extend({
  /** Container id or name. */
  container: z.string().min(1).max(128),
  /** `exec` starts a new process; `attach` joins the container's own terminal (`-t`). */
  mode: z.enum(['exec', 'attach']),
  /** For exec: the command, e.g. ["/bin/sh"]; empty means the container's best shell. */
  command: z.array(z.string()).default([]),
  user: z.string().max(64).optional(),
  workdir: z.string().max(4096).optional(),
  /** For exec: KEY=VALUE entries added to the container's environment. */
  env: z
    .array(z.string().max(32 * 1024))
    .max(256)
    .optional(),
});
export type TerminalOpen = z.input<typeof TerminalOpenSchema>;

export const TerminalSessionSchema = z.object({
  id: z.string(),
  containerId: z.string(),
  mode: z.enum(['exec', 'attach']),
  command: z.array(z.string()),
  createdAt: z.number(),
  /** Null while the process runs. */
  exitCode: z.number().int().nullable(),
});
export type TerminalSession = z.infer<typeof TerminalSessionSchema>;

/**
 * Control frames on a terminal WebSocket, as JSON text; the terminal's bytes travel as
 * binary frames. The client acknowledges bytes it has drawn so the agent can pause a
 * program that prints faster than the browser draws.
 */
export const TerminalClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('resize'),
    cols: z.number().int().min(1).max(1000),
    rows: z.number().int().min(1).max(1000),
  }),
  z.object({ type: z.literal('ack'), bytes: z.number().int().nonnegative() }),
  z.object({ type: z.literal('ping') }),
]);
export type TerminalClientMessage = z.infer<typeof TerminalClientMessageSchema>;

export const TerminalServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('exit'), exitCode: z.number().int().nullable() }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type TerminalServerMessage = z.infer<typeof TerminalServerMessageSchema>;

/**
 * What a process started through the API with its output attached reports (`cove run`
 * and `cove exec` without a terminal): the bytes of stdout and stderr as base64, so
 * binary output survives JSON, then its exit code.
 */
export const ProcessEventSchema = z.discriminatedUnion('type', [
  /** `stdinId` is where `containers.writeStdin` sends input; null without stdin. */
  z.object({
    type: z.literal('started'),
    id: z.string(),
    stdinId: z.string().nullable(),
    /** How an exec's process was started, when it was asked for (`cove exec --trace`). */
    trace: StartTraceSchema.optional(),
  }),
  z.object({ type: z.literal('output'), stream: z.enum(['stdout', 'stderr']), data: z.string() }),
  /** Output the client was too slow to take; the container's log still has it. */
  z.object({ type: z.literal('dropped'), bytes: z.number().int() }),
  z.object({ type: z.literal('exit'), exitCode: z.number().int() }),
]);
export type ProcessEvent = z.infer<typeof ProcessEventSchema>;
