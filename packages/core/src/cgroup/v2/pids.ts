import { parseLimit, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';
import type { CgroupStats } from '../cgroup-manager.js';

const NOT_ENABLED = { ENOENT: 'the pids controller is not enabled for this cgroup' };

export async function applyPidsLimit(dir: string, pids: number): Promise<void> {
  await writeCgroupFile(`${dir}/pids.max`, String(pids), NOT_ENABLED);
}

export async function readPidsStats(dir: string): Promise<CgroupStats['pids']> {
  const [current, limit] = await Promise.all([
    readCgroupFile(`${dir}/pids.current`, NOT_ENABLED),
    readCgroupFile(`${dir}/pids.max`, NOT_ENABLED),
  ]);
  return { current: Number(current), limit: parseLimit(limit) };
}
