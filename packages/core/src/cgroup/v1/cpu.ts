import type { Limits } from '@cove/shared';
import { writeCgroupFile } from '../cgroup-files.js';
import { CPU_PERIOD_USEC, cpuQuotaUsec } from '../cpu-quota.js';

export async function applyCpuLimits(dir: string, limits: Limits): Promise<void> {
  if (limits.cpus !== undefined) {
    await writeCgroupFile(`${dir}/cpu.cfs_period_us`, String(CPU_PERIOD_USEC));
    await writeCgroupFile(`${dir}/cpu.cfs_quota_us`, String(cpuQuotaUsec(limits.cpus)), {
      EINVAL: 'the kernel takes a quota of at least 1 ms per period: use --cpus 0.01 or more',
    });
  }
  if (limits.cpuShares !== undefined) {
    await writeCgroupFile(`${dir}/cpu.shares`, String(limits.cpuShares));
  }
}
