import { CoveError } from '../errors.js';
import { POLLERR, POLLHUP, PR_SET_DUMPABLE, PR_SET_PDEATHSIG, SIGKILL } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/**
 * The first steps of a process that will become a container's program, while it is
 * still the host's Node binary with the engine's privileges:
 *
 * - Not dumpable: no process may ptrace it or open its /proc/<pid>/exe, mem or fds
 *   (ptrace_may_access() refuses non-dumpable targets without CAP_SYS_PTRACE), so the
 *   host binary cannot be reached or overwritten through it (CVE-2016-9962,
 *   CVE-2019-5736). execve(2) makes the container's program dumpable again.
 * - SIGKILL when the engine dies (PR_SET_PDEATHSIG), so a half-built container never
 *   outlives the process that was building it. If the engine died before the signal was
 *   armed, no signal comes: its end of `engineFd` (a socket only the engine reads) closed
 *   with it, and poll(2) says so with POLLHUP.
 */
export function guardUntilExec(libc: Libc, engineFd: number): void {
  libc.prctl(PR_SET_DUMPABLE, 0);
  libc.prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (libc.poll(engineFd, 0, 0) & (POLLHUP | POLLERR)) {
    throw new CoveError('the engine that was starting this container has gone away');
  }
}

/**
 * Lets the container outlive the engine, as a detached container must: the signal
 * would otherwise survive execve(2) and kill it whenever the engine exits.
 */
export function letOutliveEngine(libc: Libc): void {
  libc.prctl(PR_SET_PDEATHSIG, 0);
}
