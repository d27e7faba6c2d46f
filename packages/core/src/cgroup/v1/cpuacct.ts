import { readCgroupFile } from '../cgroup-files.js';

/** `cpuacct.usage` counts nanoseconds; stats speak microseconds like v2's cpu.stat. */
export async function readCpuUsageUsec(dir: string): Promise<number> {
  return Math.floor(Number(await readCgroupFile(`${dir}/cpuacct.usage`)) / 1000);
}
