import { copyFileSync, statSync, truncateSync } from 'node:fs';

export const maxLogBytes = 10 * 1024 * 1024;

/**
 * Keeps a container's log under `maxLogBytes`: the log is copied to `<log>.1` (the one
 * older generation kept) and truncated in place. The container holds the file open with
 * O_APPEND, so its next write lands at the new end; renaming the file instead would
 * leave the container writing into the old one. Lines written between the copy and the
 * truncate are lost: a window of microseconds, once per 10 MB.
 */
export function rotateLogIfLarge(path: string): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  if (size <= maxLogBytes) return false;
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
  return true;
}
