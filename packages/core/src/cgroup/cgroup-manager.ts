import type { Limits } from '@cove/shared';
import type { DeviceRule } from './device-rules.js';

/** One reading of a container's cgroup; byte counts, `null` limits mean "no limit". */
export interface CgroupStats {
  memory: {
    current: number;
    limit: number | null;
    /** Highest usage seen; `null` where the kernel does not keep it (v2 before 5.19). */
    peak: number | null;
    /** Anonymous memory (heap, stack): v2 `anon`, v1 `total_rss`. */
    anon: number;
    /** Page cache: v2 `file`, v1 `total_cache`. */
    file: number;
  };
  pids: { current: number; limit: number | null };
  /** CPU time used by every process in the cgroup since it was created. */
  cpu: { usageUsec: number };
}

/**
 * A container's stats files held open, for a sampler that reads them every tick: one
 * pread(2) per file instead of four calls. Limits are read once, at open: they are
 * written only before the container's process starts. Any error means the cgroup ended;
 * then, and when the container leaves the sampler's sight, close it.
 */
export interface CgroupStatsReader {
  stats(): CgroupStats;
  /** As CgroupManager.oomKillCount. */
  oomKillCount(): number;
  /** Idempotent. */
  close(): void;
}

/**
 * A container's cgroup, the same operations on cgroup v1 and v2. Methods that write a
 * controller the host lacks throw a CgroupError naming that controller.
 */
export interface CgroupManager {
  readonly mode: 'v1' | 'v2';
  /** The container's cgroup directories: one on v2, one per hierarchy on v1. */
  readonly paths: readonly string[];
  /** Creates the cgroup (and its parent); on v2 also enables the controllers above it. */
  create(): Promise<void>;
  /** Writes the limits that are set; those left undefined are not touched. */
  apply(limits: Limits): Promise<void>;
  /**
   * Lets the container open and make only the device nodes the rules allow: the v1
   * devices controller, or on v2 a BPF_PROG_TYPE_CGROUP_DEVICE program. Before any
   * process joins.
   */
  restrictDevices(rules: readonly DeviceRule[]): Promise<void>;
  /** Moves a process (all its threads) in; do it before the process execs the payload. */
  addProcess(pid: number): Promise<void>;
  processes(): Promise<number[]>;
  stats(): Promise<CgroupStats>;
  /** Opens the stats files for repeated reading; throws if the cgroup is not there. */
  openStatsReader(): Promise<CgroupStatsReader>;
  /** How many processes the kernel's OOM killer killed in this cgroup. */
  oomKillCount(): Promise<number>;
  /** Returns once every process is frozen. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Sends SIGKILL to every process, including ones forked while it runs. */
  killAll(): Promise<void>;
  /** Waits briefly for the cgroup to empty, then removes it and its parent if empty; idempotent. */
  remove(): Promise<void>;
}
