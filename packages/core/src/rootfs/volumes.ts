import { statSync } from 'node:fs';
import type { Volume } from '@cove/shared';
import { MS_BIND, MS_REC, O_CLOEXEC, O_PATH } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { remountReadonly } from './mask-paths.js';
import { ensureInRoot, fdPath } from './safe-path.js';

/**
 * `-v SRC:DST[:ro]` as a bind mount. The source is the host's (opened by the path the
 * user gave); the target is resolved inside the container's root, where a symlink in the
 * image can point anywhere but only ever lands inside the root.
 */
export function bindVolume(libc: Libc, rootFd: number, volume: Volume): void {
  const kind = statSync(volume.source).isDirectory() ? 'directory' : 'file';
  const source = libc.open(volume.source, O_PATH | O_CLOEXEC);
  try {
    const target = ensureInRoot(libc, rootFd, volume.target, kind, 'in-root');
    try {
      libc.mount(fdPath(source), fdPath(target), null, MS_BIND | MS_REC, null);
    } finally {
      libc.close(target);
    }
  } finally {
    libc.close(source);
  }
  if (volume.readOnly) remountReadonly(libc, rootFd, volume.target);
}
