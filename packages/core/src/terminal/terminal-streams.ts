import tty from 'node:tty';
import { F_DUPFD_CLOEXEC } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/**
 * Non-blocking streams over a PTY master: libuv's tty handles poll it instead of tying up
 * a thread-pool thread per terminal. Each stream closes its own fd, so the writer gets a
 * duplicate, never the same number (a double close could close a stranger's fd). The
 * reader closes `master` when the terminal hangs up; `inputFd` lasts until `input` ends,
 * so it is the one to resize through.
 */
export function openTerminalStreams(
  libc: Libc,
  master: number,
): { output: tty.ReadStream; input: tty.WriteStream; inputFd: number } {
  const output = new tty.ReadStream(master);
  const inputFd = libc.fcntl(master, F_DUPFD_CLOEXEC, 0);
  const input = new tty.WriteStream(inputFd);
  // EIO once the last process on the terminal is gone: the end, not a failure.
  output.on('error', () => {});
  input.on('error', () => {});
  return { output, input, inputFd };
}
