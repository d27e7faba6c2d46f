import { CgroupError, errorCode } from '../cgroup-error.js';
import { makeCgroupDir, parsePids, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';

/** The controllers a container's limits and stats need. */
const WANTED_CONTROLLERS = ['memory', 'pids', 'cpu'];

/** Where the agent's own processes move so that its cgroup can hand out controllers. */
export const AGENT_LEAF = 'cove-agent';

const EVACUATION_ROUNDS = 5;

const NOT_DELEGATED =
  'this cgroup is not delegated to the agent: run it in a systemd unit with Delegate=yes, or under a cgroup it owns';
const DELEGATION_ADVICE = {
  EACCES: NOT_DELEGATED,
  EPERM: NOT_DELEGATED,
  EROFS: NOT_DELEGATED,
  EBUSY: NOT_DELEGATED,
};

/**
 * Makes the wanted controllers (those the host offers) available to `dir`'s children.
 * cgroups(7), "no internal processes" rule: a non-root cgroup can enable controllers for
 * its children only while it holds no processes, so the agent's own processes first move
 * into a leaf child, as systemd and docker-in-docker do.
 */
export async function enableControllers(dir: string, isRoot: boolean): Promise<void> {
  const [available, enabled] = await Promise.all([
    readCgroupFile(`${dir}/cgroup.controllers`),
    readCgroupFile(`${dir}/cgroup.subtree_control`),
  ]);
  const offered = available.trim().split(/\s+/);
  const active = enabled.trim().split(/\s+/);
  const missing = WANTED_CONTROLLERS.filter((c) => offered.includes(c) && !active.includes(c));
  if (missing.length === 0) return;
  if (!isRoot) await moveProcessesToLeaf(dir);
  await writeCgroupFile(
    `${dir}/cgroup.subtree_control`,
    missing.map((c) => `+${c}`).join(' '),
    DELEGATION_ADVICE,
  );
}

async function moveProcessesToLeaf(dir: string): Promise<void> {
  const leaf = `${dir}/${AGENT_LEAF}`;
  // Processes can fork while they are being moved: go round until none is left behind.
  for (let round = 0; ; round++) {
    const pids = parsePids(await readCgroupFile(`${dir}/cgroup.procs`));
    if (pids.length === 0) return;
    if (round === EVACUATION_ROUNDS) break;
    await makeCgroupDir(leaf);
    for (const pid of pids) {
      try {
        await writeCgroupFile(`${leaf}/cgroup.procs`, String(pid), DELEGATION_ADVICE);
      } catch (error) {
        if (errorCode(error) !== 'ESRCH') throw error;
      }
    }
  }
  throw new CgroupError(
    'write',
    `${leaf}/cgroup.procs`,
    'EBUSY',
    `move the processes of ${dir} into ${leaf}: new ones kept appearing after ${EVACUATION_ROUNDS} rounds: ${NOT_DELEGATED}`,
  );
}
