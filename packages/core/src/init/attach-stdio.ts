import { withContext } from '../errors.js';
import { O_APPEND, O_CLOEXEC, O_CREAT, O_RDONLY, O_RDWR, O_WRONLY } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/**
 * Where a container's stdin, stdout and stderr go. An init started in advance has no
 * stdio of its own yet, so it opens what its spec names:
 * - `inherit`: keep the fds the engine spawned it with;
 * - `log`: stdout and stderr appended to the container's log, stdin from /dev/null;
 * - `terminal`: all three on a PTY slave, which becomes the controlling terminal.
 */
export type InitStdio =
  | { kind: 'inherit' }
  | { kind: 'log'; path: string }
  | { kind: 'terminal'; path: string };

/** Runs before the init leaves the host's mount namespace: the paths are the host's. */
export function attachStdio(libc: Libc, stdio: InitStdio): void {
  if (stdio.kind === 'inherit') return;
  withContext(`attaching the container's output to ${stdio.path}`, () => {
    if (stdio.kind === 'log') {
      const log = libc.open(stdio.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600);
      const nothing = libc.open('/dev/null', O_RDONLY | O_CLOEXEC);
      replaceStdio(libc, [nothing, log, log]);
      libc.close(log);
      libc.close(nothing);
      return;
    }
    // open(2) without O_NOCTTY: a session leader with no controlling terminal (the init
    // was spawned detached, so it leads its own session) takes the terminal it opens.
    // That is what lets Ctrl-C and Ctrl-Z reach the container's foreground job.
    const terminal = libc.open(stdio.path, O_RDWR | O_CLOEXEC);
    replaceStdio(libc, [terminal, terminal, terminal]);
    libc.close(terminal);
  });
}

function replaceStdio(libc: Libc, fds: [number, number, number]): void {
  fds.forEach((fd, target) => {
    libc.dup3(fd, target, 0);
  });
}
