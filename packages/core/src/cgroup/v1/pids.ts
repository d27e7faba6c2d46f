import { parseLimit, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';
import type { CgroupStats } from '../cgroup-manager.js';

export async function applyPidsLimit(dir: string, pids: number): Promise<void> {
  await writeCgroupFile(`${dir}/pids.max`, String(pids));
}

export async function readPidsStats(dir: string): Promise<CgroupStats['pids']> {
  const [current, limit] = await Promise.all([
    readCgroupFile(`${dir}/pids.current`),
    readCgroupFile(`${dir}/pids.max`),
  ]);
  return { current: Number(current), limit: parseLimit(limit) };
}
