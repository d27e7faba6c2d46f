import { readFileSync } from 'node:fs';
import { withContext } from '../errors.js';
import { PR_SET_NO_NEW_PRIVS } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { type Confinement, confinementFor, installSeccompFilter } from '../security/confinement.js';
import { applyResourceLimits } from '../security/resource-limits.js';
import { joinNewSessionKeyring } from '../security/session-keyring.js';
import { limitCapabilities } from './capabilities.js';
import type { ResolvedUser } from './user.js';

/**
 * The last steps before a container's program runs, shared by a container's init and
 * by exec: resource limits, capabilities down to the default set, no_new_privs, then the
 * user's ids, a session keyring of the user's own, and the seccomp filter.
 * Capabilities go first: dropping from the bounding set needs CAP_SETPCAP, which a
 * non-root user no longer has. The filter goes last, so the engine's own calls are done
 * by then: after it, make no call but execve (or spawn), since a user's profile may
 * allow nothing else.
 */
export function dropPrivileges(
  libc: Libc,
  user: ResolvedUser,
  confinement: Confinement = confinementFor('default'),
): void {
  withContext('setting resource limits', () => applyResourceLimits(libc, confinement.rlimits));
  const lastCapability = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  withContext('limiting capabilities', () => limitCapabilities(libc, lastCapability));
  withContext('setting no_new_privs', () => libc.prctl(PR_SET_NO_NEW_PRIVS, 1));
  withContext(`switching to user ${user.uid}:${user.gid}`, () => {
    libc.setgroups(user.groups);
    libc.setresgid(user.gid);
    libc.setresuid(user.uid);
  });
  withContext('joining a new session keyring', () => joinNewSessionKeyring(libc));
  if (confinement.seccomp) installSeccompFilter(libc, confinement.seccomp);
}
