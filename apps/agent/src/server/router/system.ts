import { readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import { join } from 'node:path';
import { type CgroupSetup, detectCgroupSetup } from '@cove/core';
import type { SystemInfo } from '@cove/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { procedure } from '../trpc/trpc.js';

function hasOverlay(): boolean {
  try {
    return readFileSync('/proc/filesystems', 'utf8').includes('\toverlay\n');
  } catch {
    return false;
  }
}

function controllersOf(setup: CgroupSetup): string[] {
  if (setup.mode === 'v1') return setup.hierarchies.flatMap((h) => h.controllers);
  try {
    return readFileSync(join(setup.ownDir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  } catch {
    return [];
  }
}

export const systemRouter = {
  info: procedure.query(async ({ ctx }): Promise<SystemInfo> => {
    const setup = detectCgroupSetup();
    const controllers = controllersOf(setup);
    const missing: SystemInfo['missing'] = [];
    const wanted = ['memory', 'pids', 'cpu'];
    for (const controller of wanted.filter((c) => !controllers.includes(c))) {
      missing.push({
        feature: `cgroup controller ${controller}`,
        fix:
          setup.mode === 'v2'
            ? `run the agent with delegation (systemd: Delegate=yes) so "${controller}" is in cgroup.subtree_control`
            : `mount the v1 ${controller} hierarchy under /sys/fs/cgroup`,
      });
    }
    if (!hasOverlay()) {
      missing.push({
        feature: 'overlay filesystem',
        fix: 'load the kernel module: modprobe overlay',
      });
    }
    // Measured off the event loop and cached: a du of the store per call stalled every
    // terminal and stream of the agent while it ran.
    const usage = await ctx.storeUsage.read();
    return {
      version: ctx.version,
      kernel: release(),
      hostname: hostname(),
      cgroup: { mode: setup.mode, controllers },
      store: { root: ctx.engine.layout.root, bytesUsed: usage?.bytes ?? 0 },
      missing,
    };
  }),
} satisfies TRPCRouterRecord;
