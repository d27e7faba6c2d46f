import type { Limits } from '@cove/shared';
import { errorCode } from '../cgroup-error.js';
import { keyedValue, parseLimit, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';
import type { CgroupStats } from '../cgroup-manager.js';
import { swapLimit } from '../swap-limit.js';

const NO_SWAP_ACCOUNTING = {
  ENOENT:
    'this kernel does not account swap (memory.memsw.* is missing; boot with swapaccount=1): drop --memory-swap',
};

export async function applyMemoryLimits(dir: string, limits: Limits): Promise<void> {
  const swap = swapLimit(limits, dir);
  const { memory } = limits;
  const limitFile = `${dir}/memory.limit_in_bytes`;
  if (memory === undefined) return;
  const memswFile = `${dir}/memory.memsw.limit_in_bytes`;
  let currentMemsw: number | null = null;
  try {
    if (swap) currentMemsw = parseLimit(await readCgroupFile(memswFile, NO_SWAP_ACCOUNTING));
  } catch (error) {
    // Swap nobody asked for is skipped where the kernel does not account it, as Docker does.
    if (swap?.asked || errorCode(error) !== 'ENOENT') throw error;
    await writeCgroupFile(limitFile, String(memory));
    return;
  }
  if (!swap) {
    await writeCgroupFile(limitFile, String(memory));
    return;
  }
  const memorySwap = memory + swap.bytes;
  // The kernel refuses (EINVAL) any state where limit_in_bytes > memsw.limit_in_bytes,
  // so a memory limit above the current memsw one must follow the new memsw.
  if (currentMemsw !== null && memory > currentMemsw) {
    await writeCgroupFile(memswFile, String(memorySwap));
    await writeCgroupFile(limitFile, String(memory));
  } else {
    await writeCgroupFile(limitFile, String(memory));
    await writeCgroupFile(memswFile, String(memorySwap));
  }
}

export async function readMemoryStats(dir: string): Promise<CgroupStats['memory']> {
  const [usage, limit, maxUsage, stat] = await Promise.all([
    readCgroupFile(`${dir}/memory.usage_in_bytes`),
    readCgroupFile(`${dir}/memory.limit_in_bytes`),
    readCgroupFile(`${dir}/memory.max_usage_in_bytes`),
    readCgroupFile(`${dir}/memory.stat`),
  ]);
  return memoryStatsOf({ usage, limit: parseLimit(limit), maxUsage, stat });
}

/** The memory figures from the texts of the v1 files (the limit parsed already). */
export function memoryStatsOf(files: {
  usage: string;
  limit: number | null;
  maxUsage: string;
  stat: string;
}): CgroupStats['memory'] {
  const { stat } = files;
  return {
    current: Number(files.usage),
    limit: files.limit,
    peak: Number(files.maxUsage),
    // total_* include child cgroups, like v2's hierarchical memory.stat.
    anon: keyedValue(stat, 'total_rss') ?? keyedValue(stat, 'rss') ?? 0,
    file: keyedValue(stat, 'total_cache') ?? keyedValue(stat, 'cache') ?? 0,
  };
}

/** The `oom_kill` line of `memory.oom_control` arrived in Linux 4.13. */
export async function readOomKillCount(dir: string): Promise<number> {
  return oomKillCountOf(await readCgroupFile(`${dir}/memory.oom_control`));
}

export function oomKillCountOf(oomControl: string): number {
  return keyedValue(oomControl, 'oom_kill') ?? 0;
}
