import { processStartTime } from '../container/process-identity.js';
import { withContext } from '../errors.js';
import { CLONE_NEWNET, O_CLOEXEC, O_RDONLY } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/**
 * `--network container:NAME`: setns(2) into that container's PID 1's network namespace.
 * The PID is checked by its start time after the open, so a PID reused by another
 * process since the engine looked is refused instead of joined.
 */
export function joinNetworkNamespace(libc: Libc, pid: number, startTime: string): void {
  const path = `/proc/${pid}/ns/net`;
  const fd = withContext(`opening ${path}`, () => libc.open(path, O_RDONLY | O_CLOEXEC));
  try {
    if (processStartTime(pid) !== startTime) {
      throw new Error(`the container whose network was asked for has stopped (PID ${pid} is gone)`);
    }
    withContext("joining the other container's network namespace", () =>
      libc.setns(fd, CLONE_NEWNET, path),
    );
  } finally {
    libc.close(fd);
  }
}
