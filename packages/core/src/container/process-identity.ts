import { readFileSync } from 'node:fs';
import type { Libc } from '../libc/libc.js';

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

/**
 * Runs `use` with a pidfd of the process, if `pid` still names the one that started at
 * `startTime`. The pidfd is taken first, then the start time checked: if it matches, the
 * pidfd holds that very process, and a signal sent through it (pidfd_send_signal(2))
 * can only reach it, however long after the check, never a stranger given its PID.
 */
export function withVerifiedProcess<T>(
  libc: Libc,
  pid: number,
  startTime: string | undefined,
  use: (pidfd: number) => T,
): T | undefined {
  let pidfd: number;
  try {
    pidfd = libc.pidfdOpen(pid);
  } catch {
    return undefined; // gone
  }
  try {
    return isSameProcessAlive(pid, startTime) ? use(pidfd) : undefined;
  } finally {
    libc.close(pidfd);
  }
}

/** Signals the process through a verified pidfd; false when it is gone. */
export function signalVerifiedProcess(
  libc: Libc,
  pid: number,
  startTime: string | undefined,
  signal: number,
): boolean {
  return (
    withVerifiedProcess(libc, pid, startTime, (pidfd) => {
      try {
        libc.pidfdSendSignal(pidfd, signal);
        return true;
      } catch {
        return false; // ended since the check: a pidfd never reaches a stranger
      }
    }) ?? false
  );
}
