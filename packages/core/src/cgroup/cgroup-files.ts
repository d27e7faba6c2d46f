import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir, open, rmdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CgroupError, cgroupFsError, type ErrnoAdvice, errorCode } from './cgroup-error.js';

/**
 * Reads a cgroup file whole. cgroupfs files are small and generated in memory on each
 * read, so the read is synchronous: it never waits for a disk, and the thread pool's
 * four round trips per file (open, fstat, read, close) cost ten times the read itself
 * (the stats of 100 containers: 158 ms of CPU per sampling tick, 14 ms read directly).
 */
export async function readCgroupFile(path: string, advice?: ErrnoAdvice): Promise<string> {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw cgroupFsError('read', path, error, advice);
  }
}

/**
 * Writes one value in one write(2): cgroupfs parses each write on its own. No O_CREAT, so
 * a file the kernel does not provide fails with ENOENT instead of being made up.
 */
export async function writeCgroupFile(
  path: string,
  value: string,
  advice?: ErrnoAdvice,
): Promise<void> {
  try {
    const file = await open(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      await file.write(value);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw cgroupFsError('write', path, error, advice);
  }
}

/**
 * writeCgroupFile without the thread pool, for files whose write the kernel does at once
 * (the v1 devices controller's rules: a list under a mutex). Eleven rules written through
 * the pool took 15 to 20 ms of a start in the agent (the start's trace showed it),
 * written here 0.5 ms. Not for cgroup.procs (an RCU grace period) or memory limits
 * (reclaim), which may block for milliseconds.
 */
export function writeCgroupFileNow(path: string, value: string, advice?: ErrnoAdvice): void {
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      writeSync(fd, value);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw cgroupFsError('write', path, error, advice);
  }
}

/** Parses flat keyed files (`memory.stat`, `cpu.stat`, `memory.events`): `key value` lines. */
export function parseKeyedValues(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) values.set(key, Number(value));
  }
  return values;
}

/**
 * One value of a flat keyed file, without splitting the whole file: the sampler looks up
 * two keys of a 40-line memory.stat per container per second.
 */
export function keyedValue(text: string, key: string): number | undefined {
  let lineStart = 0;
  if (!text.startsWith(`${key} `)) {
    const found = text.indexOf(`\n${key} `);
    if (found === -1) return undefined;
    lineStart = found + 1;
  }
  const valueStart = lineStart + key.length + 1;
  const lineEnd = text.indexOf('\n', valueStart);
  return Number(text.slice(valueStart, lineEnd === -1 ? undefined : lineEnd));
}

/** v1 reports "no limit" as the largest page-aligned long: anything this big is unlimited. */
const UNLIMITED_FLOOR = 2 ** 62;

/** A limit file's value: `max` (v2) or a near-LONG_MAX number (v1) mean no limit (null). */
export function parseLimit(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === 'max') return null;
  const value = Number(trimmed);
  return value >= UNLIMITED_FLOOR ? null : value;
}

export function parsePids(text: string): number[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

export async function makeCgroupDir(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw cgroupFsError('mkdir', path, error);
  }
}

/**
 * Makes `dir` below its `parents`, each parent first (with `afterParent`, e.g. enabling
 * controllers). Another engine on the host may remove an empty parent between the two
 * mkdirs (its orphan sweep, at its stop): the child's mkdir then fails with ENOENT, and
 * the whole path is made again, a few times.
 */
export async function makeCgroupPath(
  parents: readonly string[],
  dir: string,
  afterParent: (parent: string) => Promise<void> = async () => {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    for (const parent of parents) {
      await makeCgroupDir(parent);
      await afterParent(parent);
    }
    try {
      await makeCgroupDir(dir);
      return;
    } catch (error) {
      if (attempt >= 5 || (error as { code?: string }).code !== 'ENOENT') throw error;
    }
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last answer. */
export async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 10,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

const REMOVE_TIMEOUT_MS = 3000;

/**
 * Removes a cgroup directory; a missing one counts as removed. The kernel answers EBUSY
 * for a short while after the last process exits (it is still being reaped), so retry.
 */
export async function removeCgroupDir(path: string): Promise<void> {
  let lastError: unknown;
  const removed = await pollUntil(
    async () => {
      try {
        await rmdir(path);
        return true;
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return true;
        if (errorCode(error) !== 'EBUSY') throw cgroupFsError('rmdir', path, error);
        lastError = error;
        return false;
      }
    },
    REMOVE_TIMEOUT_MS,
    20,
  );
  if (!removed) {
    throw cgroupFsError('rmdir', path, lastError, {
      EBUSY: `the cgroup still has processes or child cgroups after ${REMOVE_TIMEOUT_MS} ms`,
    });
  }
}

/** Removes a directory only if it is an empty cgroup; one in use by others is left alone. */
export async function removeCgroupDirIfEmpty(path: string): Promise<void> {
  try {
    await rmdir(path);
  } catch (error) {
    const code = errorCode(error);
    // cgroupfs says EBUSY for a cgroup with children or processes; other filesystems ENOTEMPTY.
    if (code !== 'ENOENT' && code !== 'EBUSY' && code !== 'ENOTEMPTY') {
      throw cgroupFsError('rmdir', path, error);
    }
  }
}

const EMPTY_TIMEOUT_MS = 3000;

/** Waits for a cgroup's processes to exit (a SIGKILLed process takes a moment to be reaped). */
export async function waitUntilEmpty(dir: string): Promise<void> {
  const procs = `${dir}/cgroup.procs`;
  const empty = await pollUntil(async () => {
    try {
      return parsePids(await readCgroupFile(procs)).length === 0;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return true;
      throw error;
    }
  }, EMPTY_TIMEOUT_MS);
  if (!empty) {
    throw new CgroupError(
      'rmdir',
      dir,
      'EBUSY',
      `remove ${dir}: processes are still in it after ${EMPTY_TIMEOUT_MS} ms: kill them first (killAll)`,
    );
  }
}
