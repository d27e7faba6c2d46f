import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** lstat calls in flight at once: enough to keep libuv's threadpool busy, not to flood it. */
const statsInFlight = 32;

/** A file or directory that vanished during the walk, as a running container's do. */
const vanished = (error: NodeJS.ErrnoException) =>
  error.code === 'ENOENT' || error.code === 'ENOTDIR';

/**
 * The apparent bytes under `root`, counted as `du -sxb` counts them: every file,
 * directory and symlink once (hard links once per inode), without crossing into other
 * filesystems. Done with asynchronous fs calls, so the event loop is never held: running
 * du would mean forking the agent, which in a large process stalls the loop for tens of
 * milliseconds.
 */
export async function directoryBytes(root: string): Promise<number> {
  const top = await lstat(root);
  // Inodes with more than one link, counted at their first name only.
  const linked = new Set<number>();
  let total = top.size;
  const directories = top.isDirectory() ? [root] : [];
  for (let directory = directories.pop(); directory; directory = directories.pop()) {
    const names = await readdir(directory).catch((error) => {
      if (vanished(error)) return [];
      throw error;
    });
    for (let start = 0; start < names.length; start += statsInFlight) {
      const entries = await Promise.all(
        names.slice(start, start + statsInFlight).map(async (name) => {
          const path = join(directory, name);
          return { path, stat: await lstat(path).catch(() => undefined) };
        }),
      );
      for (const { path, stat } of entries) {
        if (!stat || stat.dev !== top.dev) continue;
        if (stat.isDirectory()) directories.push(path);
        else if (stat.nlink > 1) {
          if (linked.has(stat.ino)) continue;
          linked.add(stat.ino);
        }
        total += stat.size;
      }
    }
  }
  return total;
}
