import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withContext } from '../errors.js';
import { WARM_TRACING } from '../init/init-spec.js';
import { CLONE_NEWPID, O_CLOEXEC, O_RDONLY } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { leanNode, leanNodeEnv } from '../process/lean-node.js';

const initScript = fileURLToPath(new URL('../init/main.js', import.meta.url));

let hostPidNamespace: number | undefined;

/**
 * Starts a container's init: a Node process that is PID 1 of a new PID namespace and
 * waits on its spec pipe (fd 3), with its error pipe on fd 4.
 *
 * unshare(CLONE_NEWPID) does not move the caller, only its next child (the seeds'
 * "PID 1 needs a fork"). While the caller's namespace for children differs from its
 * own, it cannot create threads (clone(CLONE_THREAD) gives EINVAL), so the window is one
 * synchronous spawn, closed at once by setns back to the saved namespace.
 */
/** An fd of this process to hand over, or what Node should open instead. */
export type StdioTarget = 'inherit' | 'ignore' | number;

export function spawnInit(
  libc: Libc,
  stdio: [StdioTarget, StdioTarget, StdioTarget],
  { warmTracing = false } = {},
): ChildProcess {
  hostPidNamespace ??= libc.open('/proc/self/ns/pid', O_RDONLY | O_CLOEXEC);
  withContext('creating the PID namespace', () => libc.unshare(CLONE_NEWPID));
  try {
    return spawn(
      process.execPath,
      [...leanNode, initScript, ...(warmTracing ? [WARM_TRACING] : [])],
      {
        stdio: [...stdio, 'pipe', 'pipe'],
        // A session of its own: the container is nobody's job, and a signal to the
        // caller's process group does not reach it.
        detached: true,
        // The init needs no environment; the container's is built from its spec.
        env: leanNodeEnv,
      },
    );
  } finally {
    libc.setns(hostPidNamespace, CLONE_NEWPID, '/proc/self/ns/pid');
  }
}
