import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { CgroupError } from './cgroup-error.js';

/** The v1 controllers the engine uses; others (cpuset, blkio) are not managed. */
export const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer', 'devices'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** One mounted v1 hierarchy and this process's own cgroup directory in it. */
export interface V1Hierarchy {
  /** The engine's controllers mounted on this hierarchy (`cpu` and `cpuacct` are often one). */
  controllers: V1Controller[];
  ownDir: string;
}

export type CgroupSetup =
  | {
      mode: 'v2';
      /** Where cgroup2 is mounted; the own cgroup is the root when `ownDir` equals it. */
      mountPoint: string;
      ownDir: string;
    }
  | { mode: 'v1'; hierarchies: V1Hierarchy[] };

export interface DetectOptions {
  /** Reads `/proc/self/cgroup` and `/proc/self/mountinfo`; tests pass sample texts. */
  readFile?: (path: string) => string;
  /**
   * Where cgroupfs is found: mount points below `/sys/fs/cgroup` in mountinfo are taken
   * below this directory instead (unit tests point it at a temp dir shaped like cgroupfs).
   */
  root?: string;
}

const DEFAULT_ROOT = '/sys/fs/cgroup';

interface CgroupMount {
  fsType: 'cgroup' | 'cgroup2';
  /** The cgroup shown at the mount point (`/` unless bind-mounted or in a cgroup namespace). */
  root: string;
  mountPoint: string;
  superOptions: string[];
}

/**
 * Finds the host's cgroup mode and this process's own cgroups. v1 wins whenever a v1
 * hierarchy carries a controller the engine uses: on a hybrid host the cgroup2 mount
 * then holds no useful controller (here only hugetlb).
 */
export function detectCgroupSetup(options: DetectOptions = {}): CgroupSetup {
  const read = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const ownPaths = parseProcCgroup(read('/proc/self/cgroup'));
  const mounts = parseCgroupMounts(read('/proc/self/mountinfo'));
  const rebase = (mountPoint: string) => rebaseMountPoint(mountPoint, options.root);

  const hierarchies: V1Hierarchy[] = [];
  for (const mount of mounts.filter((m) => m.fsType === 'cgroup')) {
    const controllers = V1_CONTROLLERS.filter((c) => mount.superOptions.includes(c));
    const ownPath = controllers[0] === undefined ? undefined : ownPaths.get(controllers[0]);
    if (ownPath === undefined) continue;
    hierarchies.push({ controllers, ownDir: ownDirIn(mount, rebase(mount.mountPoint), ownPath) });
  }
  if (hierarchies.length > 0) return { mode: 'v1', hierarchies };

  const unified = mounts.find((m) => m.fsType === 'cgroup2');
  const unifiedPath = ownPaths.get('');
  if (unified && unifiedPath !== undefined) {
    const mountPoint = rebase(unified.mountPoint);
    return { mode: 'v2', mountPoint, ownDir: ownDirIn(unified, mountPoint, unifiedPath) };
  }
  throw new CgroupError(
    'detect',
    '/proc/self/mountinfo',
    '',
    'detect cgroups: no cgroup2 mount and no v1 memory/pids/cpu/freezer hierarchy is mounted: mount cgroup2 at /sys/fs/cgroup',
  );
}

/** `/proc/self/cgroup` lines are `id:controllers:path`: the own path per controller, `''` for v2. */
export function parseProcCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match?.[2]) continue;
    for (const controller of (match[1] ?? '').split(',')) paths.set(controller, match[2]);
  }
  return paths;
}

/** mountinfo(5): `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`. */
export function parseCgroupMounts(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const [before, after] = line.split(' - ');
    const fields = before?.split(' ') ?? [];
    const [fsType, , superOptions] = after?.split(' ') ?? [];
    const root = fields[3];
    const mountPoint = fields[4];
    if ((fsType !== 'cgroup' && fsType !== 'cgroup2') || !root || !mountPoint) continue;
    mounts.push({
      fsType,
      root: unescapeMountField(root),
      mountPoint: unescapeMountField(mountPoint),
      superOptions: (superOptions ?? '').split(','),
    });
  }
  return mounts;
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

function rebaseMountPoint(mountPoint: string, root: string | undefined): string {
  if (root === undefined) return mountPoint;
  if (mountPoint === DEFAULT_ROOT) return root;
  if (mountPoint.startsWith(`${DEFAULT_ROOT}/`))
    return root + mountPoint.slice(DEFAULT_ROOT.length);
  return mountPoint;
}

/** The own cgroup path is relative to the hierarchy's root; the mount may show a subtree of it. */
function ownDirIn(mount: CgroupMount, mountPoint: string, ownPath: string): string {
  return posix.join(mountPoint, posix.relative(mount.root, ownPath));
}
