import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The reference runtimes' containers go below this cgroup, an absolute path in every
 * hierarchy: runc resolves a relative cgroupsPath against its own cgroup, which on the
 * development machines is a memory cgroup owned by the machine's supervisor.
 */
export const benchCgroupParent = '/cove-bench';

/** Every mounted cgroup hierarchy (v1 controllers, named ones, or the v2 root). */
function cgroupMountPoints(): string[] {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n');
  return mounts
    .map((line) => line.split(' '))
    .filter(([, , type]) => type === 'cgroup' || type === 'cgroup2')
    .map(([, mountPoint]) => mountPoint ?? '')
    .filter(Boolean);
}

/** The bench parent's directories that exist now, in every hierarchy. */
export function benchCgroupDirs(): string[] {
  return cgroupMountPoints()
    .map((mountPoint) => join(mountPoint, benchCgroupParent))
    .filter((dir) => existsSync(dir));
}

/** Removes the bench parent (its children first) in every hierarchy; returns what remains. */
export function removeBenchCgroups(): string[] {
  const left: string[] = [];
  const removeTree = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) removeTree(path);
    }
    try {
      rmdirSync(dir);
    } catch {
      left.push(dir);
    }
  };
  for (const dir of benchCgroupDirs()) removeTree(dir);
  return left;
}
