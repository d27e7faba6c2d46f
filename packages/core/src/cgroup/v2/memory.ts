import type { Limits } from '@cove/shared';
import { errorCode } from '../cgroup-error.js';
import { parseKeyedValues, parseLimit, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';
import type { CgroupStats } from '../cgroup-manager.js';
import { swapBytes } from '../swap-limit.js';

const NOT_ENABLED = { ENOENT: 'the memory controller is not enabled for this cgroup' };

export async function applyMemoryLimits(dir: string, limits: Limits): Promise<void> {
  const swap = swapBytes(limits, dir);
  if (limits.memory !== undefined) {
    await writeCgroupFile(`${dir}/memory.max`, String(limits.memory), NOT_ENABLED);
  }
  if (swap !== undefined) {
    await writeCgroupFile(`${dir}/memory.swap.max`, String(swap), {
      ENOENT:
        'swap accounting is missing (the memory controller is not enabled or the kernel lacks CONFIG_MEMCG_SWAP): drop --memory-swap',
    });
  }
}

export async function readMemoryStats(dir: string): Promise<CgroupStats['memory']> {
  const [current, limit, peak, stat] = await Promise.all([
    readCgroupFile(`${dir}/memory.current`, NOT_ENABLED),
    readCgroupFile(`${dir}/memory.max`, NOT_ENABLED),
    readPeak(dir),
    readCgroupFile(`${dir}/memory.stat`, NOT_ENABLED),
  ]);
  const values = parseKeyedValues(stat);
  return {
    current: Number(current),
    limit: parseLimit(limit),
    peak,
    anon: values.get('anon') ?? 0,
    file: values.get('file') ?? 0,
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
  const events = parseKeyedValues(await readCgroupFile(`${dir}/memory.events`, NOT_ENABLED));
  return events.get('oom_kill') ?? 0;
}
