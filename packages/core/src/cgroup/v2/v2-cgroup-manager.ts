import type { Limits } from '@cove/shared';
import { CgroupError, errorCode } from '../cgroup-error.js';
import {
  makeCgroupDir,
  parsePids,
  pollUntil,
  readCgroupFile,
  removeCgroupDir,
  removeCgroupDirIfEmpty,
  writeCgroupFile,
} from '../cgroup-files.js';
import type { CgroupManager, CgroupStats } from '../cgroup-manager.js';
import { killListedProcesses } from '../kill-processes.js';
import { applyCpuLimits, readCpuUsageUsec } from './cpu.js';
import { enableControllers } from './delegation.js';
import { freeze, thaw } from './freezer.js';
import { applyMemoryLimits, readMemoryStats, readOomKillCount } from './memory.js';
import { applyPidsLimit, readPidsStats } from './pids.js';

const EMPTY_TIMEOUT_MS = 3000;

export interface V2Placement {
  mountPoint: string;
  ownDir: string;
  /** The directories between the own cgroup and the container's, outermost first. */
  parentDirs: string[];
  dir: string;
}

export class V2CgroupManager implements CgroupManager {
  readonly mode = 'v2';
  readonly paths: readonly string[];

  constructor(private readonly placement: V2Placement) {
    this.paths = [placement.dir];
  }

  private get dir(): string {
    return this.placement.dir;
  }

  async create(): Promise<void> {
    const { mountPoint, ownDir, parentDirs } = this.placement;
    await enableControllers(ownDir, ownDir === mountPoint);
    for (const parent of parentDirs) {
      await makeCgroupDir(parent);
      await enableControllers(parent, false);
    }
    await makeCgroupDir(this.dir);
  }

  async apply(limits: Limits): Promise<void> {
    await applyMemoryLimits(this.dir, limits);
    if (limits.pids !== undefined) await applyPidsLimit(this.dir, limits.pids);
    await applyCpuLimits(this.dir, limits);
  }

  async addProcess(pid: number): Promise<void> {
    await writeCgroupFile(`${this.dir}/cgroup.procs`, String(pid), {
      ESRCH: `process ${pid} has already exited`,
    });
  }

  async processes(): Promise<number[]> {
    return parsePids(await readCgroupFile(`${this.dir}/cgroup.procs`));
  }

  async stats(): Promise<CgroupStats> {
    const [memory, pids, usageUsec] = await Promise.all([
      readMemoryStats(this.dir),
      readPidsStats(this.dir),
      readCpuUsageUsec(this.dir),
    ]);
    return { memory, pids, cpu: { usageUsec } };
  }

  oomKillCount(): Promise<number> {
    return readOomKillCount(this.dir);
  }

  freeze(): Promise<void> {
    return freeze(this.dir);
  }

  thaw(): Promise<void> {
    return thaw(this.dir);
  }

  async killAll(): Promise<void> {
    try {
      await writeCgroupFile(`${this.dir}/cgroup.kill`, '1');
    } catch (error) {
      // cgroup.kill arrived in Linux 5.14; before it, freeze so nothing forks during the kill.
      if (errorCode(error) !== 'ENOENT') throw error;
      await this.freeze();
      await killListedProcesses(`${this.dir}/cgroup.procs`);
      await this.thaw();
    }
  }

  async remove(): Promise<void> {
    const procs = `${this.dir}/cgroup.procs`;
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
        this.dir,
        'EBUSY',
        `remove ${this.dir}: processes are still in it after ${EMPTY_TIMEOUT_MS} ms: kill them first (killAll)`,
      );
    }
    await removeCgroupDir(this.dir);
    for (const parent of [...this.placement.parentDirs].reverse()) {
      await removeCgroupDirIfEmpty(parent);
    }
  }
}
