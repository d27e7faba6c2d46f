import { isSameProcessAlive } from '../container/process-identity.js';
import { CoveError } from '../errors.js';
import {
  CLONE_FS,
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWUTS,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StepNotes } from '../trace/trace-step.js';

export const execTerminalStep: StepNotes = {
  id: 'terminal',
  group: 'process',
  title: 'Its terminal',
  why: "The engine opened a PTY of the container's devpts; the shim opens its slave without O_NOCTTY, so it becomes the controlling terminal of the shim's session and of the process.",
  byHand: "setsid sh -c 'exec <>/dev/pts/1 >&0 2>&0 PROGRAM'",
  doing: 'opening the terminal',
};

export const enterStep: StepNotes = {
  id: 'enter',
  group: 'namespaces',
  title: "Into the container's namespaces",
  why: "An exec makes no namespace: it joins those of the container's PID 1, all at once through a pidfd, so a PID reused meanwhile cannot lead it elsewhere. Joining a PID namespace moves only the children made afterwards: the process is spawned after this.",
  byHand: 'nsenter --target PID --mount --uts --ipc --net --pid --cgroup',
  doing: 'entering the container',
};

export const execFdsStep: StepNotes = {
  id: 'fds',
  group: 'process',
  title: 'Only stdio handed on',
  why: "Every fd of the shim but 0-2 closes on exec: none of the engine's reaches the container.",
  byHand: '(no shell command: close_range(3, ~0U, CLOSE_RANGE_CLOEXEC))',
  doing: '',
};

export const spawnStep: StepNotes = {
  id: 'spawn',
  group: 'program',
  title: 'The process spawned',
  why: "Node's spawn forks and execs the program: the child is the first process of the shim's in the container's PID namespace, and the shim stays outside as its parent to report its exit.",
  byHand: 'PROGRAM ARGS &',
  doing: '',
};

/** Every namespace of a container but the user namespace, which it does not have. */
const namespaces =
  CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS;

/**
 * Joins the namespaces of a running container's PID 1, all at once: setns(2) on a pidfd
 * (Linux 5.8). The pidfd is taken first, then the PID's start time checked, so the
 * namespaces joined are that process's even if it ends and its PID is reused meanwhile.
 * Mount namespaces refuse a thread that shares its fs_struct with other threads
 * (EINVAL): Node's are, so unshare(CLONE_FS) first. Joining a PID namespace moves only
 * the children made afterwards, and this process can create no thread from then on:
 * the caller's next step is one spawn.
 */
export function enterContainer(libc: Libc, pid: number, startTime: string | undefined): void {
  const pidfd = libc.pidfdOpen(pid);
  try {
    if (!isSameProcessAlive(pid, startTime)) {
      throw new CoveError(`the container's PID 1 (${pid}) has ended: nothing to enter`);
    }
    libc.unshare(CLONE_FS);
    libc.setns(pidfd, namespaces, `the pidfd of PID ${pid}`);
  } finally {
    libc.close(pidfd);
  }
}
