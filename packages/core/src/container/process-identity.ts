import { readFileSync } from 'node:fs';

/**
 * A PID names a process only while it lives; afterwards the kernel may hand it to
 * another. The start time in /proc/PID/stat (field 22, in clock ticks since boot) tells
 * the two apart, so the engine never signals a stranger that inherited a container's PID.
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X') return undefined;
  return fields[19];
}

export function isSameProcessAlive(pid: number, startTime: string | undefined): boolean {
  return startTime !== undefined && processStartTime(pid) === startTime;
}
