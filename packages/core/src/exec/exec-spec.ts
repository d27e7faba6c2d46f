import type { Confinement } from '../security/confinement.js';
import type { InitTraceFrame } from '../trace/init-trace-frame.js';

/** What the engine sends an exec shim on fd 3: everything about the process to start. */
export interface ExecSpec {
  /** Host PID of the container's PID 1: its namespaces are the ones to enter. */
  containerPid: number;
  /** Its start time (/proc/PID/stat): the shim enters only that process's namespaces. */
  containerPidStartTime: string | undefined;
  imageName: string;
  hostname: string;
  args: string[];
  imageEnv: string[];
  /** The container's own `-e` entries, then the exec's. */
  userEnv: string[];
  workdir: string;
  user: string | undefined;
  /** The container's seccomp filter and rlimits: an exec gets what its container has. */
  confinement: Confinement;
  /** A PTY slave to open (as /proc/<engine>/fd/N) as stdio and controlling terminal; else the shim's pipes. */
  terminal?: string;
  /** Record every step and call, and send them with the report of the start. */
  trace?: boolean;
}

/** Lines the shim writes on fd 4, as JSON: it is ready, it started the process or could not, then its end. */
export type ExecReport =
  /** Node has started its threads: the shim may join a cgroup with a small pids.max. */
  | { type: 'ready' }
  | { type: 'started'; pid: number; trace?: InitTraceFrame }
  | { type: 'failed'; message: string; exitCode: number; trace?: InitTraceFrame }
  | { type: 'exited'; exitCode: number };

export const EXEC_SPEC_FD = 3;
export const EXEC_REPORT_FD = 4;
