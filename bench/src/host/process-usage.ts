import { readFileSync } from 'node:fs';

/** proc(5): utime and stime are in clock ticks, USER_HZ, which is 100 on Linux x86-64. */
const clockTicksPerSecond = 100;

export interface ProcessUsage {
  /** User + system CPU time so far, in milliseconds. */
  cpuMs: number;
  rssBytes: number;
}

/** CPU time and resident memory of one process, from /proc/<pid>/stat and status. */
export function readProcessUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return {
    cpuMs: ((utime + stime) * 1000) / clockTicksPerSecond,
    rssBytes: readStatusKb(pid, 'VmRSS') * 1024,
  };
}

function readStatusKb(pid: number, key: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  return Number(match?.[1] ?? 0);
}

/** The direct children of a process (its warm pool), from /proc/<pid>/task/<pid>/children. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** RSS of a process and, where they still exist, of the given others (e.g. its warm pool). */
export function totalRssBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += readStatusKb(pid, 'VmRSS') * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** MemAvailable from /proc/meminfo, in bytes: what the host could still give without swapping. */
export function memAvailableBytes(): number {
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  return Number(/^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? 0) * 1024;
}

/**
 * Samples a process's RSS every `intervalMs` and keeps the highest, for a figure that
 * must hold during a whole phase rather than at its end.
 */
export function watchPeakRss(pid: number, intervalMs = 250) {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, readProcessUsage(pid).rssBytes);
    } catch {
      // the process ended: keep what was seen
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): number {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/**
 * Memory charged to the given cgroups (v1 `memory.usage_in_bytes`, v2 `memory.current`):
 * the containers' processes, page tables and kernel objects, without the host's noise.
 */
export function cgroupMemoryBytes(cgroupDirs: readonly string[]): number {
  let total = 0;
  for (const dir of cgroupDirs) {
    for (const file of ['memory.usage_in_bytes', 'memory.current']) {
      try {
        total += Number(readFileSync(`${dir}/${file}`, 'utf8'));
        break;
      } catch {
        // the other cgroup version's file
      }
    }
  }
  return total;
}
