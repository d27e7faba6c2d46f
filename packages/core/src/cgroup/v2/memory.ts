import type { Limits } from '@cove/shared';
import { errorCode } from '../cgroup-error.js';
import { keyedValue, parseLimit, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';
import type { CgroupStats } from '../cgroup-manager.js';
import { swapLimit } from '../swap-limit.js';

export const MEMORY_NOT_ENABLED = {
  ENOENT: 'the memory controller is not enabled for this cgroup',
};

export async function applyMemoryLimits(dir: string, limits: Limits): Promise<void> {
  const swap = swapLimit(limits, dir);
  if (limits.memory !== undefined) {
    await writeCgroupFile(`${dir}/memory.max`, String(limits.memory), MEMORY_NOT_ENABLED);
  }
  if (swap === undefined) return;
  try {
    await writeCgroupFile(`${dir}/memory.swap.max`, String(swap.bytes), {
      ENOENT:
        'swap accounting is missing (the memory controller is not enabled or the kernel lacks CONFIG_MEMCG_SWAP): drop --memory-swap',
    });
  } catch (error) {
    // Swap nobody asked for is skipped where the kernel does not account it, as Docker does.
    if (swap.asked || errorCode(error) !== 'ENOENT') throw error;
  }
}

export async function readMemoryStats(dir: string): Promise<CgroupStats['memory']> {
  const [current, limit, peak, stat] = await Promise.all([
    readCgroupFile(`${dir}/memory.current`, MEMORY_NOT_ENABLED),
    readCgroupFile(`${dir}/memory.max`, MEMORY_NOT_ENABLED),
    readPeak(dir),
    readCgroupFile(`${dir}/memory.stat`, MEMORY_NOT_ENABLED),
  ]);
  return memoryStatsOf({ current, limit: parseLimit(limit), peak, stat });
}

/** The memory figures from the texts of the v2 files (limit and peak parsed already). */
export function memoryStatsOf(files: {
  current: string;
  limit: number | null;
  peak: number | null;
  stat: string;
}): CgroupStats['memory'] {
  return {
    current: Number(files.current),
    limit: files.limit,
    peak: files.peak,
    anon: keyedValue(files.stat, 'anon') ?? 0,
    file: keyedValue(files.stat, 'file') ?? 0,
  };
}

/** `memory.peak` arrived in Linux 5.19. */
async function readPeak(dir: string): Promise<number | null> {
  try {
    return Number(await readCgroupFile(`${dir}/memory.peak`));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** `memory.events` counts hierarchically: OOM kills in nested cgroups count too. */
export async function readOomKillCount(dir: string): Promise<number> {
  return oomKillCountOf(await readCgroupFile(`${dir}/memory.events`, MEMORY_NOT_ENABLED));
}

export function oomKillCountOf(memoryEvents: string): number {
  return keyedValue(memoryEvents, 'oom_kill') ?? 0;
}
