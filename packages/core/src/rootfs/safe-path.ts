import { readlinkSync } from 'node:fs';
import { posix } from 'node:path';
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

/** The target of `name` in the directory `dirFd` if it is a symlink; never follows it. */
function symlinkTarget(dirFd: number, name: string): string | undefined {
  try {
    return readlinkSync(`${fdPath(dirFd)}/${name}`);
  } catch {
    return undefined;
  }
}

/** Linux gives up after 40 symlinks in one lookup (path_resolution(7)); so do we. */
const maxSymlinks = 40;

/**
 * Opens `path` in the root, creating it (and its parents) as a directory or empty file.
 * With 'in-root', a dangling symlink on the way is followed the way the kernel would
 * follow it if the root were `/`, and what it names is created there, inside the root.
 */
export function ensureInRoot(
  libc: Libc,
  rootFd: number,
  path: string,
  kind: 'directory' | 'file',
  policy: SymlinkPolicy,
  symlinksFollowed = 0,
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
    ? ensureInRoot(libc, rootFd, parentPath, 'directory', policy, symlinksFollowed)
    : openInRoot(libc, rootFd, '/', policy);
  try {
    const link = policy === 'in-root' ? symlinkTarget(parentFd, name) : undefined;
    if (link !== undefined) {
      if (symlinksFollowed >= maxSymlinks) {
        throw new Error(`${path} in the image: too many levels of symbolic links`);
      }
      const next = posix.normalize(link.startsWith('/') ? link : `${parentPath}/${link}`);
      return ensureInRoot(libc, rootFd, next, kind, policy, symlinksFollowed + 1);
    }
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
