import { withContext } from '../errors.js';
import {
  O_CLOEXEC,
  O_DIRECTORY,
  O_NOCTTY,
  O_PATH,
  O_RDWR,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_SYMLINKS,
  TIOCGPTN,
  TIOCGPTPEER,
  TIOCSPTLCK,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { setTerminalSize, type TerminalSize } from './pty.js';

/** A PTY of a running container's own devpts: the engine keeps the master. */
export interface ContainerPty {
  master: number;
  /**
   * This process's fd of the slave, opened from the master (TIOCGPTPEER). A helper opens
   * it again as `/proc/<engine pid>/fd/<slave>`: the same terminal, without looking up a
   * path in the container. Close it once the helper has its own.
   */
  slave: number;
  /** N of `/dev/pts/N`, the name the container knows the terminal by. */
  number: number;
}

/**
 * A new PTY from the devpts instance mounted in the container whose PID 1 is `pid`, so
 * that inside it the terminal has a name: `tty` and ttyname(3) see `/dev/pts/N` of the
 * container's own /dev/pts. (A PTY of the host's devpts works as a terminal but has no
 * name the container can find.)
 *
 * The container's files are hostile: `dev/pts/ptmx` is looked up below its root with no
 * symlink followed, and what opens must answer the master's own ioctls (unlock, number),
 * or it is refused.
 */
export function openContainerPty(libc: Libc, pid: number, size: TerminalSize): ContainerPty {
  const root = withContext(`opening the root of container process ${pid}`, () =>
    libc.open(`/proc/${pid}/root`, O_PATH | O_DIRECTORY | O_CLOEXEC),
  );
  let master: number;
  try {
    master = withContext("opening a terminal on the container's /dev/pts/ptmx", () =>
      libc.openat2(
        root,
        'dev/pts/ptmx',
        { flags: O_RDWR | O_NOCTTY | O_CLOEXEC, resolve: RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS },
        '/dev/pts/ptmx',
      ),
    );
  } finally {
    libc.close(root);
  }
  try {
    const number = Buffer.alloc(4);
    withContext("setting up the container's terminal", () => {
      libc.ioctl(master, TIOCSPTLCK, Buffer.alloc(4), '/dev/pts/ptmx');
      libc.ioctl(master, TIOCGPTN, number, '/dev/pts/ptmx');
    });
    setTerminalSize(libc, master, size);
    const slave = withContext("opening the container's terminal", () =>
      libc.ioctlInt(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC, '/dev/pts/ptmx'),
    );
    return { master, slave, number: number.readUInt32LE(0) };
  } catch (error) {
    libc.close(master);
    throw error;
  }
}
