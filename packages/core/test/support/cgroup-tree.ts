import { existsSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CgroupSetup } from '../../src/cgroup/index.js';

/** The own cgroup directory of every hierarchy the engine uses. */
export function ownDirs(setup: CgroupSetup): string[] {
  return setup.mode === 'v2' ? [setup.ownDir] : setup.hierarchies.map((h) => h.ownDir);
}

/**
 * Test cleanup of last resort: SIGKILLs every process below `dir` (by pid) and removes
 * the cgroups deepest first, so a failed test leaves nothing behind.
 */
export async function removeCgroupTree(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (statSync(`${dir}/${entry}`).isDirectory()) await removeCgroupTree(`${dir}/${entry}`);
  }
  for (let attempt = 0; ; attempt++) {
    for (const pid of readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    // A frozen v1 cgroup holds its SIGKILLed tasks until thawed.
    if (existsSync(`${dir}/freezer.state`)) writeIfPresent(`${dir}/freezer.state`, 'THAWED');
    if (existsSync(`${dir}/cgroup.freeze`)) writeIfPresent(`${dir}/cgroup.freeze`, '0');
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if (attempt === 100) throw error;
      await sleep(20);
    }
  }
}

function writeIfPresent(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch {
    // The cgroup went away meanwhile.
  }
}
