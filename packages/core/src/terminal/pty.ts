import { TIOCSWINSZ } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** TIOCSWINSZ on the master: the kernel sends SIGWINCH to the terminal's foreground job. */
export function setTerminalSize(libc: Libc, fd: number, { cols, rows }: TerminalSize): void {
  const winsize = Buffer.alloc(8);
  winsize.writeUInt16LE(rows, 0);
  winsize.writeUInt16LE(cols, 2);
  libc.ioctl(fd, TIOCSWINSZ, winsize, 'terminal');
}
