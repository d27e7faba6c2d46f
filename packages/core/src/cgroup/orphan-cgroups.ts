import { readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { CgroupSetup } from './detect.js';

/**
 * Removes container cgroups nobody will remove: empty ones under `<own>/<parent>` in
 * every hierarchy, left when a container's process died while no engine watched it and
 * its record went too (a test store deleted, a store wiped by hand). Several stores
 * share the parent, so only what is provably dead goes: a cgroup with a process in it
 * is never touched (rmdir would refuse it anyway), nor one younger than `olderThanMs`,
 * which another engine may have made a moment ago and be about to fill. The parent
 * goes too when nothing is left in it.
 */
export function removeOrphanCgroups(
  setup: CgroupSetup,
  options: { parent?: string; olderThanMs?: number; now?: number } = {},
): string[] {
  const { parent = 'cove', olderThanMs = 60_000, now = Date.now() } = options;
  const ownDirs = setup.mode === 'v2' ? [setup.ownDir] : setup.hierarchies.map((h) => h.ownDir);
  const removed: string[] = [];
  for (const ownDir of ownDirs) {
    const parentDir = posix.join(ownDir, parent);
    let children: string[];
    try {
      children = readdirSync(parentDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => posix.join(parentDir, entry.name));
    } catch {
      continue; // no container ever started under this hierarchy
    }
    for (const dir of children) {
      try {
        if (now - statSync(dir).mtimeMs < olderThanMs) continue;
        if (readFileSync(posix.join(dir, 'cgroup.procs'), 'utf8').trim() !== '') continue;
        rmdirSync(dir);
        removed.push(dir);
      } catch {
        // Busy (a process arrived, or a child cgroup) or already gone: not an orphan now.
      }
    }
    // The parent too once it holds nothing: rmdir refuses while any container's is there.
    if (children.length === removed.filter((dir) => dir.startsWith(`${parentDir}/`)).length) {
      try {
        rmdirSync(parentDir);
        removed.push(parentDir);
      } catch {}
    }
  }
  return removed;
}
