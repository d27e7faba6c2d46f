import { withContext } from '../errors.js';
import {
  O_CLOEXEC,
  O_NOCTTY,
  O_RDWR,
  TIOCGPTN,
  TIOCSPTLCK,
  TIOCSWINSZ,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/** A pseudo-terminal: the engine keeps the master; the container's process opens the slave. */
export interface Pty {
  master: number;
  slavePath: string;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

/**
 * Opens a new PTY from the host's devpts (pts(4)): open /dev/ptmx, unlock the slave
 * (unlockpt(3) is TIOCSPTLCK 0) and read its number. The master is close-on-exec, so
 * it never reaches a container.
 */
export function openPty(libc: Libc, size: TerminalSize): Pty {
  const master = withContext('opening a terminal', () =>
    libc.open('/dev/ptmx', O_RDWR | O_NOCTTY | O_CLOEXEC),
  );
  try {
    libc.ioctl(master, TIOCSPTLCK, Buffer.alloc(4), '/dev/ptmx');
    const number = Buffer.alloc(4);
    libc.ioctl(master, TIOCGPTN, number, '/dev/ptmx');
    // Sized before the program's first read, or `stty size` reports 0 0.
    setTerminalSize(libc, master, size);
    return { master, slavePath: `/dev/pts/${number.readUInt32LE(0)}` };
  } catch (error) {
    libc.close(master);
    throw error;
  }
}

/** TIOCSWINSZ on the master: the kernel sends SIGWINCH to the terminal's foreground job. */
export function setTerminalSize(libc: Libc, fd: number, { cols, rows }: TerminalSize): void {
  const winsize = Buffer.alloc(8);
  winsize.writeUInt16LE(rows, 0);
  winsize.writeUInt16LE(cols, 2);
  libc.ioctl(fd, TIOCSWINSZ, winsize, 'terminal');
}
