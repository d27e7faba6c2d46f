import { withContext } from '../errors.js';
import { O_CLOEXEC, O_RDONLY, O_RDWR } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import type { StepNotes } from '../trace/trace-step.js';

/**
 * Where a container's stdin, stdout and stderr go. An init started in advance has no
 * stdio of its own yet, so it opens what its spec names:
 * - `inherit`: keep the fds the engine spawned it with;
 * - `pipes`: stdout and stderr into the named pipes the logger reads; stdin from its
 *   own named pipe when someone is attached to write to it, otherwise from /dev/null;
 * - `terminal`: all three on a PTY of the container's own devpts, which becomes the
 *   controlling terminal; see attachTerminal, which runs once that devpts is mounted.
 */
export type InitStdio =
  | { kind: 'inherit' }
  | { kind: 'pipes'; stdin?: string; stdout: string; stderr: string }
  | { kind: 'terminal' };

export const stdioStep: StepNotes = {
  id: 'stdio',
  group: 'process',
  title: 'Output to the log',
  why: "The container writes into named pipes the engine's logger reads, opened read-write so a write waits instead of dying of SIGPIPE while the agent restarts.",
  byHand: 'exec >stdout.fifo 2>stderr.fifo </dev/null',
  doing: '',
};

/** Runs before the init leaves the host's mount namespace: the paths are the host's. */
export function attachStdio(libc: Libc, stdio: InitStdio): void {
  if (stdio.kind !== 'pipes') return;
  withContext(`attaching the container's output to ${stdio.stdout}`, () => {
    // Read-write, so the pipe always has a reader: while the logger is away (the agent
    // restarting), a write waits for room instead of killing the writer with SIGPIPE.
    const stdout = libc.open(stdio.stdout, O_RDWR | O_CLOEXEC);
    const stderr = libc.open(stdio.stderr, O_RDWR | O_CLOEXEC);
    // The engine holds the write end already, so this open does not wait.
    const stdin = libc.open(stdio.stdin ?? '/dev/null', O_RDONLY | O_CLOEXEC);
    replaceStdio(libc, [stdin, stdout, stderr]);
    for (const fd of [stdin, stdout, stderr]) libc.close(fd);
  });
}

export const terminalStep: StepNotes = {
  id: 'terminal',
  group: 'process',
  title: 'Its own terminal',
  why: "The terminal is a PTY of the container's own devpts (the engine keeps the master), so tty inside names /dev/pts/N of the container, and Ctrl-C reaches its foreground job.",
  byHand: "setsid sh -c 'exec <>/dev/pts/0 >&0 2>&0 PROGRAM'",
  doing: '',
};

/**
 * Runs in the container's root, after its devpts is mounted: the engine has opened PTY
 * number `number` there (it keeps the master), and the init takes the slave by the name
 * the container will know it by, so `tty` and ttyname(3) work inside.
 */
export function attachTerminal(libc: Libc, number: number): void {
  const path = `/dev/pts/${number}`;
  withContext(`attaching the container's terminal ${path}`, () => {
    // open(2) without O_NOCTTY: a session leader with no controlling terminal (the init
    // was spawned detached, so it leads its own session) takes the terminal it opens.
    // That is what lets Ctrl-C and Ctrl-Z reach the container's foreground job.
    const terminal = libc.open(path, O_RDWR | O_CLOEXEC);
    replaceStdio(libc, [terminal, terminal, terminal]);
    libc.close(terminal);
  });
}

function replaceStdio(libc: Libc, fds: [number, number, number]): void {
  fds.forEach((fd, target) => {
    libc.dup3(fd, target, 0);
  });
}
