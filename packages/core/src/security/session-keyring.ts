import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';

/**
 * Gives the process a new, empty, anonymous session keyring. Keyrings are not
 * namespaced: without this a container shares the session keyring of whoever started
 * the engine, and with it any key (a Kerberos ticket, a disk key) kept there. Called
 * after the switch to the container's user, so the keyring is that user's. A kernel
 * built without keyrings (ENOSYS) has nothing to share.
 */
export function joinNewSessionKeyring(libc: Libc): void {
  try {
    libc.joinSessionKeyring(null);
  } catch (error) {
    if (!(error instanceof SyscallError && error.code === 'ENOSYS')) throw error;
  }
}
