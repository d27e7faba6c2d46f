import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AT_FDCWD, F_SETPIPE_SZ, S_IFIFO } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/** The named pipes between a container and its logger, in the container's directory. */
export interface StdioFifos {
  stdin: string;
  stdout: string;
  stderr: string;
}

export function stdioFifoPaths(containerDir: string): StdioFifos {
  return {
    stdin: join(containerDir, 'stdin.fifo'),
    stdout: join(containerDir, 'stdout.fifo'),
    stderr: join(containerDir, 'stderr.fifo'),
  };
}

/**
 * Named, not anonymous, pipes: a logger that restarts (the agent upgraded or crashed)
 * opens them again by name and goes on reading where the kernel's pipe buffer left off.
 * Fresh ones for every start, so no byte of a previous run is read as this one's.
 */
export function makeStdioFifos(libc: Libc, containerDir: string): StdioFifos {
  const fifos = stdioFifoPaths(containerDir);
  for (const path of Object.values(fifos)) {
    rmSync(path, { force: true });
    libc.mknodat(AT_FDCWD, path, S_IFIFO | 0o600, 0, path);
  }
  return fifos;
}

/**
 * What a container may write while no agent reads its output (a restart) before its
 * write blocks: the kernel's default is 64 KiB, and 1 MiB is what
 * /proc/sys/fs/pipe-max-size lets anyone ask for. The pages come only as they fill.
 */
export const outputPipeBytes = 1024 * 1024;

/** Best effort: at the default size the container still runs, it just waits sooner. */
export function enlargePipe(libc: Libc, fd: number): void {
  try {
    libc.fcntl(fd, F_SETPIPE_SZ, outputPipeBytes);
  } catch {}
}
