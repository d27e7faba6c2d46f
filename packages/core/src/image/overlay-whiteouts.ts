import { execFileSync } from 'node:child_process';
import { CoveError } from '../errors.js';
import { AT_FDCWD, S_IFCHR } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/**
 * OCI layers mark deletions with files (`.wh.NAME`, and `.wh..wh..opq` for "this
 * directory replaces the one below"); overlayfs reads its own forms in a lower layer: a
 * 0/0 character device for a deleted name and the `trusted.overlay.opaque=y` xattr on a
 * directory (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque
 * directories"). Cove converts each layer once when it unpacks it, so layers stay shared
 * between images and a container starts on plain lowers with nothing to flatten.
 */
export const whiteoutPrefix = '.wh.';
export const opaqueMarker = '.wh..wh..opq';

export function makeWhiteout(libc: Libc, path: string): void {
  libc.mknodat(AT_FDCWD, path, S_IFCHR, 0, path);
}

/**
 * Node has no setxattr, and the engine's libc layer has no binding for it yet, so this
 * uses setfattr from Debian's `attr` package: once per layer, for all its opaque
 * directories, which are few.
 */
export function markOpaque(directories: string[]): void {
  if (!directories.length) return;
  try {
    execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', ...directories], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (code === 'ENOENT') {
      throw new CoveError(
        'this image has opaque directories, which need setfattr: apt-get install attr',
      );
    }
    throw new CoveError(
      `marking ${directories.length} opaque directories: setfattr: ${String(stderr ?? '').trim() || (error as Error).message}`,
    );
  }
}
