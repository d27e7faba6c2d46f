import {
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_NOFOLLOW,
  O_PATH,
  O_WRONLY,
  RESOLVE_BENEATH,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
  RESOLVE_NO_SYMLINKS,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';

/**
 * Paths inside an image are hostile: `/proc` may be a symlink to `/etc` of the host.
 * Every mount target is opened with openat2(2) relative to the container's root fd, and
 * the mount is made on `/proc/self/fd/N`, so the kernel mounts on exactly the inode we
 * resolved (CVE-2019-19921, CVE-2021-30465).
 *
 * - 'refuse': any symlink on the way is an error (for /proc, /dev, /sys and masks).
 * - 'in-root': symlinks resolve as if the root were `/`, never above it (volumes).
 */
export type SymlinkPolicy = 'refuse' | 'in-root';

const resolveFlags: Record<SymlinkPolicy, number> = {
  refuse: RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  'in-root': RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
};

export const fdPath = (fd: number) => `/proc/self/fd/${fd}`;

const relative = (path: string) => path.replace(/^\/+/, '') || '.';

export function openInRoot(
  libc: Libc,
  rootFd: number,
  path: string,
  policy: SymlinkPolicy,
): number {
  try {
    return libc.openat2(
      rootFd,
      relative(path),
      { flags: O_PATH | O_CLOEXEC, resolve: resolveFlags[policy] },
      path,
    );
  } catch (error) {
    if (error instanceof SyscallError && error.code === 'ELOOP' && policy === 'refuse') {
      throw new Error(`${path} in the image is or passes through a symlink: refusing to use it`, {
        cause: error,
      });
    }
    if (error instanceof SyscallError && error.code === 'EXDEV') {
      throw new Error(`${path} in the image resolves outside the container's root`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Opens `path` in the root, creating it (and its parents) as a directory or empty file. */
export function ensureInRoot(
  libc: Libc,
  rootFd: number,
  path: string,
  kind: 'directory' | 'file',
  policy: SymlinkPolicy,
): number {
  try {
    return openInRoot(libc, rootFd, path, policy);
  } catch (error) {
    if (!(error instanceof SyscallError && error.code === 'ENOENT')) throw error;
  }
  const parts = relative(path).split('/');
  const name = parts.pop() ?? '.';
  const parentPath = `/${parts.join('/')}`;
  const parentFd = parts.length
    ? ensureInRoot(libc, rootFd, parentPath, 'directory', policy)
    : openInRoot(libc, rootFd, '/', policy);
  try {
    if (kind === 'directory') {
      libc.mkdirat(parentFd, name, 0o755, path);
    } else {
      const fd = libc.openat2(
        parentFd,
        name,
        { flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o644, resolve: 0 },
        path,
      );
      libc.close(fd);
    }
  } finally {
    libc.close(parentFd);
  }
  return openInRoot(libc, rootFd, path, policy);
}

export function openRootDirectory(libc: Libc, path: string): number {
  return libc.open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}
