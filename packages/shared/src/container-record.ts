import { z } from 'zod';
import { ContainerSpecSchema } from './container-spec.js';
import { ContainerNetworkSchema } from './network.js';

/** `removing`: `rm` has begun (its processes killed, its files going); an engine that
 * finds a record in this state after a crash finishes the removal. */
export const ContainerStatusSchema = z.enum(['created', 'running', 'paused', 'exited', 'removing']);
export type ContainerStatus = z.infer<typeof ContainerStatusSchema>;

/**
 * A host process that holds a running container's terminal master and output pipes
 * open, so that neither dies with the agent; identified like PID 1, by PID and start time.
 */
export const ContainerKeeperSchema = z.object({
  pid: z.number().int().positive(),
  startTime: z.string(),
});
export type ContainerKeeper = z.infer<typeof ContainerKeeperSchema>;

export const ContainerStateSchema = z.object({
  status: ContainerStatusSchema,
  /** Host PID of the container's PID 1 while it runs. */
  pid: z.number().int().positive().optional(),
  /** The kernel's start time of that PID (/proc/PID/stat field 22): a PID alone can be reused. */
  pidStartTime: z.string().optional(),
  keeper: ContainerKeeperSchema.optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** null when the container ended while nobody was waiting for it: the code is unknown. */
  exitCode: z.number().int().nullable().optional(),
  /** The kernel's OOM killer killed a process of this container. */
  oomKilled: z.boolean().optional(),
  /** How many times this container was started again after it exited. */
  restartCount: z.number().int().nonnegative().optional(),
});
export type ContainerState = z.infer<typeof ContainerStateSchema>;

/** A container as the store keeps it: what was asked for, and where it stands. */
export const ContainerRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string(),
  hostname: z.string(),
  createdAt: z.string(),
  spec: ContainerSpecSchema,
  /** The command that runs: the spec's, or the image's default. */
  args: z.array(z.string()),
  /**
   * The capabilities its processes hold as root: Docker's default set with the spec's
   * --cap-add and --cap-drop, less what the host's engine cannot grant. Absent in
   * records made before Cove had capability flags (they hold the default set).
   */
  capabilities: z.array(z.string()).optional(),
  /** The container's cgroup directories: one on cgroup v2, one per hierarchy on v1. */
  cgroupPaths: z.array(z.string()).default([]),
  /**
   * The network it has while it runs (mode, address, published ports); the mode alone
   * otherwise. Absent in records made before Cove had networks (they had only `lo`).
   */
  network: ContainerNetworkSchema.optional(),
  state: ContainerStateSchema,
});
export type ContainerRecord = z.infer<typeof ContainerRecordSchema>;
