import { z } from 'zod';

/** Which process made a call: the engine (in the agent), the container's init, an exec shim. */
export const TraceProcessSchema = z.enum(['agent', 'init', 'exec']);
export type TraceProcess = z.infer<typeof TraceProcessSchema>;

/**
 * One system call made through the engine's libc layer. Times are milliseconds from the
 * trace's start, on the machine's monotonic clock, which every process shares.
 */
export const TraceCallSchema = z.object({
  call: z.string(),
  /** The arguments in words: paths quoted, flags by name (`MS_REC|MS_PRIVATE`). */
  args: z.string(),
  /** What it returned, when that means something (an fd, a number); empty otherwise. */
  result: z.string().optional(),
  /** `ENOENT (No such file or directory)`, for a call that failed. */
  error: z.string().optional(),
  /** Not seen to end by the process that made it: execve, which does not return. */
  inferred: z.string().optional(),
  at: z.number(),
  ms: z.number(),
});
export type TraceCall = z.infer<typeof TraceCallSchema>;

/**
 * A step a person recognises from the seeds (a namespace, a mount, pivot_root...), with
 * the reason for it and the command that does the same by hand.
 */
export const TraceStepSchema = z.object({
  id: z.string(),
  /** The group it belongs to in the waterfall: namespaces, root filesystem, ... */
  group: z.string(),
  title: z.string(),
  why: z.string(),
  byHand: z.string(),
  process: TraceProcessSchema,
  at: z.number(),
  ms: z.number(),
  calls: z.array(TraceCallSchema),
  /** The error as the user saw it, on the step that failed. */
  failed: z.string().optional(),
});
export type TraceStep = z.infer<typeof TraceStepSchema>;

/** The birth of a container (or of an exec's process), step by step. */
export const StartTraceSchema = z.object({
  kind: z.enum(['start', 'exec']),
  containerId: z.string(),
  containerName: z.string(),
  image: z.string(),
  command: z.array(z.string()),
  /** When it began, as an ISO 8601 time. */
  startedAt: z.string(),
  /** From the first step to the program running (or to the failure). */
  ms: z.number(),
  /** The error the user saw, for a start that failed. */
  error: z.string().optional(),
  steps: z.array(TraceStepSchema),
});
export type StartTrace = z.infer<typeof StartTraceSchema>;
