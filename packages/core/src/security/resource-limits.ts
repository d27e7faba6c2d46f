import { RLIMIT_NOFILE } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/** A limit to set in the container, by setrlimit(2) resource number. */
export interface ResourceLimit {
  name: string;
  resource: number;
  soft: number;
  hard: number;
}

/**
 * Node raises its own RLIMIT_NOFILE soft limit to the hard limit at start-up, and a
 * container would inherit that from its init. A container gets what a systemd service
 * or Docker 25+ gets instead: 1024 open files, raisable by the program to 524288 (select(2)
 * breaks above 1024, so only programs that ask get more). Other limits are inherited.
 */
export const defaultResourceLimits: ResourceLimit[] = [
  { name: 'RLIMIT_NOFILE', resource: RLIMIT_NOFILE, soft: 1024, hard: 524288 },
];

/**
 * Sets each limit, never above the current hard limit: raising one needs
 * CAP_SYS_RESOURCE, which the engine may lack (it does on machines that run it in a
 * container), and lowering is always allowed.
 */
export function applyResourceLimits(libc: Libc, limits: readonly ResourceLimit[]): void {
  for (const { resource, soft, hard } of limits) {
    const current = libc.getrlimit(resource);
    const newHard = BigInt(hard) < current.hard ? BigInt(hard) : current.hard;
    const newSoft = BigInt(soft) < newHard ? BigInt(soft) : newHard;
    libc.setrlimit(resource, { soft: newSoft, hard: newHard });
  }
}
