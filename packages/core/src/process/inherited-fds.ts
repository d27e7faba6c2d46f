import { CLOSE_RANGE_CLOEXEC } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/**
 * Marks every fd above stdio close-on-exec. An agent inherits whatever its parent left
 * open (a shell's pipe, a CI runner's), and the processes it spawns would inherit that
 * in turn: a container's keeper, which outlives the agent by design, then holds the
 * parent's pipe open, and a parent waiting for that pipe's end waits forever. Node's own
 * fds are close-on-exec already.
 */
export function keepInheritedFdsToSelf(libc: Libc): void {
  libc.closeRange(3, 0xffffffff, CLOSE_RANGE_CLOEXEC);
}
