import { rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CgroupManager } from '../cgroup/cgroup-manager.js';

/** The cgroup's name beside the containers' (`<own>/cove/exec-shims`); no container id looks like it. */
export const EXEC_SHIMS_CGROUP = 'exec-shims';

/**
 * Where exec shims wait once their process has started. A shim must be in the container's
 * cgroup when it spawns, so the process is born there and no fork escapes the limits; after
 * that the shim, a Node process with a dozen threads, would only eat the container's
 * `pids.max` and be a target for its OOM killer. Its own leaf keeps it off both, and off
 * the `process_api` memory cgroup the engine must never write to.
 *
 * The cgroup is made for the first shim and removed with the last, so an engine that
 * stops leaves nothing; `inside` counts the shims this engine put there.
 */
export function createShimCgroup(cgroupOf: (name: string) => CgroupManager) {
  let inside = 0;
  // Looked up when first needed: the engine detects the host's cgroup setup lazily.
  let found: CgroupManager | undefined;
  const cgroup = () => {
    found ??= cgroupOf(EXEC_SHIMS_CGROUP);
    return found;
  };
  return {
    /**
     * Moves shim `pid` in; false if that failed (the shim then stays in the container's
     * cgroup, as it was: the exec itself is not at fault, so it goes on).
     */
    async enter(pid: number): Promise<boolean> {
      inside += 1;
      try {
        await cgroup().create();
        await cgroup().addProcess(pid);
        return true;
      } catch {
        this.leave();
        return false;
      }
    },

    /** One shim has ended; with the last gone, remove the leaf and an emptied parent. */
    leave(): void {
      inside -= 1;
      if (inside > 0) return;
      for (const dir of cgroup().paths) {
        for (const path of [dir, dirname(dir)]) {
          try {
            rmdirSync(path);
          } catch {
            break; // busy (another engine's shim, a container) or gone: leave it
          }
        }
      }
    },
  };
}

export type ShimCgroup = ReturnType<typeof createShimCgroup>;
