import { readFileSync } from 'node:fs';
import { withContext } from '../errors.js';
import { PR_SET_NO_NEW_PRIVS } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { limitCapabilities } from './capabilities.js';
import type { ResolvedUser } from './user.js';

/**
 * The last steps before a container's program runs, shared by a container's init and
 * by exec: capabilities down to the default set, no_new_privs, then the user's ids.
 * Capabilities go first: dropping from the bounding set needs CAP_SETPCAP, which a
 * non-root user no longer has.
 */
export function dropPrivileges(libc: Libc, user: ResolvedUser): void {
  const lastCapability = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  withContext('limiting capabilities', () => limitCapabilities(libc, lastCapability));
  withContext('setting no_new_privs', () => libc.prctl(PR_SET_NO_NEW_PRIVS, 1));
  withContext(`switching to user ${user.uid}:${user.gid}`, () => {
    libc.setgroups(user.groups);
    libc.setresgid(user.gid);
    libc.setresuid(user.uid);
  });
}
