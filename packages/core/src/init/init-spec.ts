import type { InitNetwork } from '../network/init-network.js';
import type { RootfsPlan } from '../rootfs/setup-rootfs.js';
import type { Confinement } from '../security/confinement.js';
import type { InitStdio } from './attach-stdio.js';

/** What the engine sends a container's init over its spec pipe: everything decided. */
export interface InitSpec {
  imageName: string;
  hostname: string;
  network: InitNetwork;
  stdio: InitStdio;
  rootfs: RootfsPlan;
  args: string[];
  imageEnv: string[];
  userEnv: string[];
  workdir: string;
  user: string | undefined;
  /** Seccomp filter and resource limits, applied right before execve. */
  confinement: Confinement;
  /** Record every step and call, and send them on the error pipe (see init-trace-frame.ts). */
  trace?: boolean;
}

/** What the init sends back on its error pipe when it cannot exec the user's command. */
export interface InitFailure {
  message: string;
  exitCode: number;
  /**
   * It failed waiting for the engine's answer (the veth, the terminal): the engine's own
   * error says why. Otherwise the init failed on its own, and its failure is the one told
   * even when the engine's part failed too (the namespace it was attaching was gone).
   */
  waitingForEngine?: boolean;
}

/**
 * Single bytes the init writes on its error pipe around a failure's JSON (which starts
 * with `{`): it is up, with every thread Node starts, and waits for its spec; then, after
 * the last step that can fail with a message, it is about to drop privileges and execve.
 * An init that dies in between (a crash, a signal) leaves no failure and no mark.
 */
export const INIT_READY = 'R';
export const INIT_EXECUTING = 'X';
/**
 * For a `bridge` container, right after its namespaces are made: the network namespace
 * exists, so the engine may attach the veth. It answers on the spec pipe with a newline
 * once the container's end is there.
 */
export const INIT_WANTS_NETWORK = 'N';
/**
 * For a `terminal` container, after INIT_WANTS_NETWORK if any: the container's /dev/pts is mounted, so
 * the engine may open a PTY there. It answers on the spec pipe with the PTY's number and
 * a newline (the spec itself ends with a newline too), then closes that pipe.
 */
export const INIT_WANTS_TERMINAL = 'T';

/** The init's argument when its engine traces: see trace/warm-tracing.ts. */
export const WARM_TRACING = '--warm-tracing';

/** The init's fds besides stdio: the spec arrives on one; errors leave on the other. */
export const SPEC_FD = 3;
export const ERROR_FD = 4;
