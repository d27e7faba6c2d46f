import { parseLimit, readCgroupFile } from '../cgroup-files.js';
import type { CgroupStatsReader } from '../cgroup-manager.js';
import { HeldCgroupFiles } from '../held-cgroup-file.js';
import { cpuUsageUsecOf } from './cpuacct.js';
import { memoryStatsOf, oomKillCountOf } from './memory.js';

/** The container's cgroup in each hierarchy the stats come from. */
export interface V1StatsDirs {
  memory: string;
  pids: string;
  cpuacct: string;
}

/** Six files held open (of eight read per reading); the two limits are read once here. */
export async function openV1StatsReader(dirs: V1StatsDirs): Promise<CgroupStatsReader> {
  const [memoryLimit, pidsLimit] = await Promise.all([
    readCgroupFile(`${dirs.memory}/memory.limit_in_bytes`),
    readCgroupFile(`${dirs.pids}/pids.max`),
  ]);
  const limits = { memory: parseLimit(memoryLimit), pids: parseLimit(pidsLimit) };
  const held = new HeldCgroupFiles();
  try {
    const usage = held.hold(`${dirs.memory}/memory.usage_in_bytes`);
    const maxUsage = held.hold(`${dirs.memory}/memory.max_usage_in_bytes`);
    const stat = held.hold(`${dirs.memory}/memory.stat`);
    const oomControl = held.hold(`${dirs.memory}/memory.oom_control`);
    const pidsCurrent = held.hold(`${dirs.pids}/pids.current`);
    const cpuacctUsage = held.hold(`${dirs.cpuacct}/cpuacct.usage`);
    return {
      stats: () => ({
        memory: memoryStatsOf({
          usage: usage.read(),
          limit: limits.memory,
          maxUsage: maxUsage.read(),
          stat: stat.read(),
        }),
        pids: { current: Number(pidsCurrent.read()), limit: limits.pids },
        cpu: { usageUsec: cpuUsageUsecOf(cpuacctUsage.read()) },
      }),
      oomKillCount: () => oomKillCountOf(oomControl.read()),
      close: () => held.close(),
    };
  } catch (error) {
    held.close();
    throw error;
  }
}
