import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * What a run may leave behind on the host, looked for the way the kernel shows it:
 * mounts in /proc/self/mountinfo, processes in /proc, cgroup directories.
 */
export function findLeftovers(store: string, containerIds: readonly string[]): string[] {
  const found: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (line.includes(store)) found.push(`mount: ${line}`);
  }
  for (const pid of processIds()) {
    if (pid === process.pid) continue;
    const cmdline = readQuietly(`/proc/${pid}/cmdline`).replaceAll('\0', ' ').trim();
    if (cmdline.includes(store)) found.push(`process ${pid}: ${cmdline}`);
    const cgroups = readQuietly(`/proc/${pid}/cgroup`);
    const inContainer = containerIds.find((id) => cgroups.includes(`/${id}`));
    if (inContainer) {
      found.push(`process ${pid} (${cmdline || '?'}) in the cgroup of container ${inContainer}`);
    }
  }
  return found;
}

/** A container's cgroup directories that still exist after it was removed. */
export function remainingCgroups(cgroupPaths: readonly string[]): string[] {
  return cgroupPaths.filter((path) => existsSync(path));
}

/** The ids of the containers the store still holds (`<store>/containers/<id>`). */
export function storedContainerIds(store: string): string[] {
  try {
    return readdirSync(`${store}/containers`).filter((name) => /^[0-9a-f]{64}$/.test(name));
  } catch {
    return [];
  }
}

/** Whether a host PID is still the process it was when recorded (PIDs are reused). */
export function isSameProcessAlive(pid: number, startTime: string | undefined): boolean {
  const stat = readQuietly(`/proc/${pid}/stat`);
  if (!stat) return false;
  // Field 22 (starttime), counted after the command name, which may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return startTime === undefined || fields[19] === startTime;
}

export interface ProcessIdentity {
  pid: number;
  startTime: string | undefined;
  cmdline: string;
}

/**
 * A process and everything below it (warm inits, exec shims, containers), with start
 * times, taken while it runs: once it ends, its orphans no longer point back to it.
 */
export function processTree(root: number): ProcessIdentity[] {
  const children = new Map<number, number[]>();
  for (const pid of processIds()) {
    const stat = readQuietly(`/proc/${pid}/stat`);
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: ProcessIdentity[] = [];
  const visit = (pid: number) => {
    const stat = readQuietly(`/proc/${pid}/stat`);
    const cmdline = readQuietly(`/proc/${pid}/cmdline`).replaceAll('\0', ' ').trim();
    tree.push({ pid, startTime: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19], cmdline });
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

function processIds(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function readQuietly(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
