import { readFileSync } from 'node:fs';

/** A process's CPU time from proc(5): utime and stime, in clock ticks of 10 ms (USER_HZ 100 on x86-64). */
export function processCpuMs(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}
