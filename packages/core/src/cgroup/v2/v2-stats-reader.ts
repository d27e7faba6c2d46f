import { parseLimit, readCgroupFile } from '../cgroup-files.js';
import type { CgroupStatsReader } from '../cgroup-manager.js';
import { HeldCgroupFiles } from '../held-cgroup-file.js';
import { cpuUsageUsecOf } from './cpu.js';
import { MEMORY_NOT_ENABLED, memoryStatsOf, oomKillCountOf } from './memory.js';
import { PIDS_NOT_ENABLED } from './pids.js';

/** Six files held open (five before Linux 5.19); the two limits are read once here. */
export async function openV2StatsReader(dir: string): Promise<CgroupStatsReader> {
  const [memoryMax, pidsMax] = await Promise.all([
    readCgroupFile(`${dir}/memory.max`, MEMORY_NOT_ENABLED),
    readCgroupFile(`${dir}/pids.max`, PIDS_NOT_ENABLED),
  ]);
  const limits = { memory: parseLimit(memoryMax), pids: parseLimit(pidsMax) };
  const held = new HeldCgroupFiles();
  try {
    const current = held.hold(`${dir}/memory.current`, MEMORY_NOT_ENABLED);
    // `memory.peak` arrived in Linux 5.19.
    const peak = held.holdIfPresent(`${dir}/memory.peak`);
    const stat = held.hold(`${dir}/memory.stat`, MEMORY_NOT_ENABLED);
    const events = held.hold(`${dir}/memory.events`, MEMORY_NOT_ENABLED);
    const pidsCurrent = held.hold(`${dir}/pids.current`, PIDS_NOT_ENABLED);
    // A core file: there even without the cpu controller.
    const cpuStat = held.hold(`${dir}/cpu.stat`);
    return {
      stats: () => ({
        memory: memoryStatsOf({
          current: current.read(),
          limit: limits.memory,
          peak: peak ? Number(peak.read()) : null,
          stat: stat.read(),
        }),
        pids: { current: Number(pidsCurrent.read()), limit: limits.pids },
        cpu: { usageUsec: cpuUsageUsecOf(cpuStat.read()) },
      }),
      oomKillCount: () => oomKillCountOf(events.read()),
      close: () => held.close(),
    };
  } catch (error) {
    held.close();
    throw error;
  }
}
