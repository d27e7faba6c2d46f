import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRecord } from './agent-api';

/**
 * The host's own view of a container, read from /proc and the cgroup files, to check
 * what the page shows against what the kernel says.
 */

export interface ContainerProcess {
  hostPid: number;
  /** Its PID inside the container's PID namespace (the last NSpid entry). */
  containerPid: number;
  cmdline: string;
}

/** Every process in the PID namespace of the container whose PID 1 is `pid1`. */
export function processesInContainer(pid1: number): ContainerProcess[] {
  const namespace = readlinkSync(`/proc/${pid1}/ns/pid`);
  const found: ContainerProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/pid`) !== namespace) continue;
      const nsPid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1];
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({
        hostPid: Number(name),
        containerPid: Number(nsPid?.trim().split(/\s+/).at(-1)),
        cmdline,
      });
    } catch {
      // It ended while being read.
    }
  }
  return found;
}

/**
 * memory.current as the kernel counts it: `memory.current` on cgroup v2, and on v1 its
 * equivalent `memory.usage_in_bytes` in the memory hierarchy's directory.
 */
export function memoryCurrent(record: ContainerRecord): number {
  const v1 = record.cgroupPaths.find((path) => path.includes('/memory/'));
  const file = v1
    ? join(v1, 'memory.usage_in_bytes')
    : join(record.cgroupPaths[0] ?? '', 'memory.current');
  return Number(readFileSync(file, 'utf8').trim());
}

export function pidsCurrent(record: ContainerRecord): number {
  const v1 = record.cgroupPaths.find((path) => path.includes('/pids/'));
  return Number(readFileSync(join(v1 ?? record.cgroupPaths[0] ?? '', 'pids.current'), 'utf8'));
}
