import { posix } from 'node:path';
import type { Libc } from '../libc/libc.js';
import { CgroupError } from './cgroup-error.js';
import type { CgroupManager } from './cgroup-manager.js';
import { type CgroupSetup, type DetectOptions, detectCgroupSetup } from './detect.js';
import { V1CgroupManager } from './v1/v1-cgroup-manager.js';
import { attachDeviceFilter } from './v2/device-filter.js';
import { V2CgroupManager } from './v2/v2-cgroup-manager.js';

export interface CgroupManagerOptions extends DetectOptions {
  /** The container's cgroup name: one path segment. */
  name: string;
  /** Relative path below the agent's own cgroup that holds containers; default `cove`. */
  parent?: string;
  /** A setup detected earlier (detect once per agent); detected now when absent. */
  setup?: CgroupSetup;
  /** For cgroup v2's device program (bpf(2)); without it, restrictDevices fails on v2. */
  libc?: Libc;
}

/**
 * The container's cgroup goes at `<own cgroup>/<parent>/<name>` in every hierarchy: below
 * the agent's own cgroup, which is what a delegated service owns, never beside it.
 */
export function createCgroupManager(options: CgroupManagerOptions): CgroupManager {
  const name = checkedSegments(options.name, 'name');
  const parent = checkedSegments(options.parent ?? 'cove', 'parent');
  if (name.length !== 1) throw invalidPath('name', options.name);
  const setup = options.setup ?? detectCgroupSetup(options);
  const placeIn = (ownDir: string) => {
    const parentDirs = parent.map((_, i) => posix.join(ownDir, ...parent.slice(0, i + 1)));
    return { parentDirs, dir: posix.join(ownDir, ...parent, ...name) };
  };
  if (setup.mode === 'v2') {
    const { libc } = options;
    return new V2CgroupManager({
      ...setup,
      ...placeIn(setup.ownDir),
      attachDeviceFilter: libc && ((dir, rules) => attachDeviceFilter(libc, dir, rules)),
    });
  }
  if (setup.hierarchies.length === 0) {
    throw new CgroupError('detect', '/proc/self/mountinfo', '', 'no cgroup v1 hierarchy to use');
  }
  return new V1CgroupManager(
    setup.hierarchies.map(({ controllers, ownDir }) => ({ controllers, ...placeIn(ownDir) })),
  );
}

/** Names must stay below the own cgroup: no `..`, no absolute path, no empty segment. */
function checkedSegments(path: string, what: string): string[] {
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw invalidPath(what, path);
  return segments;
}

function invalidPath(what: string, path: string): CgroupError {
  return new CgroupError(
    'create',
    path,
    'EINVAL',
    `cgroup ${what} "${path}": must be a relative path of plain names (no "..", no leading "/")${what === 'name' ? ', one segment' : ''}`,
  );
}
