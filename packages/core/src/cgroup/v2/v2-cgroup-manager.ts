import type { Limits } from '@cove/shared';
import { CgroupError, errorCode } from '../cgroup-error.js';
import {
  makeCgroupPath,
  parsePids,
  readCgroupFile,
  removeCgroupDir,
  removeCgroupDirIfEmpty,
  waitUntilEmpty,
  writeCgroupFile,
} from '../cgroup-files.js';
import type { CgroupManager, CgroupStats, CgroupStatsReader } from '../cgroup-manager.js';
import type { DeviceRule } from '../device-rules.js';
import { killListedProcesses } from '../kill-processes.js';
import { applyCpuLimits, readCpuUsageUsec } from './cpu.js';
import { enableControllers } from './delegation.js';
import { freeze, thaw } from './freezer.js';
import { applyMemoryLimits, readMemoryStats, readOomKillCount } from './memory.js';
import { applyPidsLimit, readPidsStats } from './pids.js';
import { openV2StatsReader } from './v2-stats-reader.js';

export interface V2Placement {
  mountPoint: string;
  ownDir: string;
  /** The directories between the own cgroup and the container's, outermost first. */
  parentDirs: string[];
  dir: string;
  /** Loads and attaches a device program (bpf(2) needs the libc layer). */
  attachDeviceFilter?: (dir: string, rules: readonly DeviceRule[]) => void;
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
    await makeCgroupPath(parentDirs, this.dir, (parent) => enableControllers(parent, false));
  }

  async apply(limits: Limits): Promise<void> {
    await applyMemoryLimits(this.dir, limits);
    if (limits.pids !== undefined) await applyPidsLimit(this.dir, limits.pids);
    await applyCpuLimits(this.dir, limits);
  }

  async restrictDevices(rules: readonly DeviceRule[]): Promise<void> {
    const { attachDeviceFilter } = this.placement;
    if (!attachDeviceFilter) {
      throw new CgroupError(
        'apply',
        this.dir,
        '',
        'device policy: cgroup v2 needs a BPF device program, and no libc layer was given to load it',
      );
    }
    attachDeviceFilter(this.dir, rules);
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

  openStatsReader(): Promise<CgroupStatsReader> {
    return openV2StatsReader(this.dir);
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
    await waitUntilEmpty(this.dir);
    await removeCgroupDir(this.dir);
    for (const parent of [...this.placement.parentDirs].reverse()) {
      await removeCgroupDirIfEmpty(parent);
    }
  }
}
