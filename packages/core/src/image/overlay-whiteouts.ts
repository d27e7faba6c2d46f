import { withContext } from '../errors.js';
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

/** The directory hides what lower layers have at its path: nothing below shows through. */
export function markOpaque(libc: Libc, directory: string): void {
  withContext('marking an opaque directory for overlayfs', () =>
    libc.setxattr(directory, 'trusted.overlay.opaque', 'y', 0),
  );
}
