import { readCgroupFile } from '../cgroup-files.js';

export async function readCpuUsageUsec(dir: string): Promise<number> {
  return cpuUsageUsecOf(await readCgroupFile(`${dir}/cpuacct.usage`));
}

/** `cpuacct.usage` counts nanoseconds; stats speak microseconds like v2's cpu.stat. */
export function cpuUsageUsecOf(cpuacctUsage: string): number {
  return Math.floor(Number(cpuacctUsage) / 1000);
}
