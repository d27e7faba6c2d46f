import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ContainerRecord } from '@cove/shared';

/** Whether the process that had `startTime` (stat field 22) still runs as `pid`. */
function stillRuns(pid: number, startTime: string | undefined): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] !== 'Z' && fields[0] !== 'X' && fields[19] === startTime;
  } catch {
    return false;
  }
}

/**
 * What removed containers left behind: their processes, their cgroup directories,
 * records in the store, and mounts below the store, as one line each (none: empty).
 */
export function findLeftovers(records: readonly ContainerRecord[], storeRoot: string): string[] {
  const left: string[] = [];
  for (const record of records) {
    const { pid, pidStartTime } = record.state;
    if (pid && stillRuns(pid, pidStartTime)) left.push(`process ${pid} of ${record.name}`);
    for (const path of record.cgroupPaths) if (existsSync(path)) left.push(`cgroup ${path}`);
  }
  const containersDir = `${storeRoot}/containers`;
  if (existsSync(containersDir)) {
    for (const entry of readdirSync(containersDir))
      left.push(`store entry ${containersDir}/${entry}`);
  }
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mountPoint = line.split(' ')[4];
    if (mountPoint?.startsWith(storeRoot)) left.push(`mount ${mountPoint}`);
  }
  return left;
}
