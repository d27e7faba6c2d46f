import type { Limits } from '@cove/shared';
import { keyedValue, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';
import { CPU_PERIOD_USEC, cpuQuotaUsec, cpuSharesToWeight } from '../cpu-quota.js';

const NOT_ENABLED = { ENOENT: 'the cpu controller is not enabled for this cgroup' };

export async function applyCpuLimits(dir: string, limits: Limits): Promise<void> {
  if (limits.cpus !== undefined) {
    await writeCgroupFile(`${dir}/cpu.max`, `${cpuQuotaUsec(limits.cpus)} ${CPU_PERIOD_USEC}`, {
      ...NOT_ENABLED,
      EINVAL: 'the kernel takes a quota of at least 1 ms per period: use --cpus 0.01 or more',
    });
  }
  if (limits.cpuShares !== undefined) {
    await writeCgroupFile(
      `${dir}/cpu.weight`,
      String(cpuSharesToWeight(limits.cpuShares)),
      NOT_ENABLED,
    );
  }
}

/** `cpu.stat` is a core file: `usage_usec` is there even without the cpu controller. */
export async function readCpuUsageUsec(dir: string): Promise<number> {
  return cpuUsageUsecOf(await readCgroupFile(`${dir}/cpu.stat`));
}

export function cpuUsageUsecOf(cpuStat: string): number {
  return keyedValue(cpuStat, 'usage_usec') ?? 0;
}
