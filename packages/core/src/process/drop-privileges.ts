import { readFileSync } from 'node:fs';
import { withContext } from '../errors.js';
import { PR_SET_NO_NEW_PRIVS } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { type Confinement, confinementFor, installSeccompFilter } from '../security/confinement.js';
import { applyResourceLimits } from '../security/resource-limits.js';
import { joinNewSessionKeyring } from '../security/session-keyring.js';
import { limitBoundingSet, setCapabilities } from './capabilities.js';
import type { ResolvedUser } from './user.js';

/**
 * The last steps before a container's program runs, shared by a container's init and
 * by exec: resource limits, the capability bounding set, no_new_privs, the
 * user's ids, the container's capabilities, a session keyring of the user's own, and the
 * seccomp filter. The bounding set goes first: dropping from it needs CAP_SETPCAP, which
 * a container may not keep. The user switch comes before the final capabilities: it
 * needs CAP_SETUID and CAP_SETGID, which it may not keep either. The filter goes last,
 * so the engine's own calls are done by then: after it, make no call but execve (or
 * spawn), since a user's profile may allow nothing else.
 */
export function dropPrivileges(
  libc: Libc,
  user: ResolvedUser,
  confinement: Confinement = confinementFor('default'),
): void {
  withContext('setting resource limits', () => applyResourceLimits(libc, confinement.rlimits));
  const lastCapability = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const { capabilities } = confinement;
  withContext('limiting the capability bounding set', () =>
    limitBoundingSet(libc, lastCapability, capabilities),
  );
  withContext('setting no_new_privs', () => libc.prctl(PR_SET_NO_NEW_PRIVS, 1));
  withContext(`switching to user ${user.uid}:${user.gid}`, () => {
    libc.setgroups(user.groups);
    libc.setresgid(user.gid);
    libc.setresuid(user.uid);
  });
  // A switch to another user than root has emptied the effective and permitted sets
  // (capabilities(7)): as in Docker, such a user holds no capability.
  if (user.uid === 0) {
    withContext('setting capabilities', () => setCapabilities(libc, capabilities));
  }
  withContext('joining a new session keyring', () => joinNewSessionKeyring(libc));
  if (confinement.seccomp) installSeccompFilter(libc, confinement.seccomp);
}
