import { parseLimit, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';
import type { CgroupStats } from '../cgroup-manager.js';

export const PIDS_NOT_ENABLED = { ENOENT: 'the pids controller is not enabled for this cgroup' };

export async function applyPidsLimit(dir: string, pids: number): Promise<void> {
  await writeCgroupFile(`${dir}/pids.max`, String(pids), PIDS_NOT_ENABLED);
}

export async function readPidsStats(dir: string): Promise<CgroupStats['pids']> {
  const [current, limit] = await Promise.all([
    readCgroupFile(`${dir}/pids.current`, PIDS_NOT_ENABLED),
    readCgroupFile(`${dir}/pids.max`, PIDS_NOT_ENABLED),
  ]);
  return { current: Number(current), limit: parseLimit(limit) };
}
