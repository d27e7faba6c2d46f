import { CgroupError } from '../cgroup-error.js';
import { pollUntil, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';

const FREEZE_TIMEOUT_MS = 3000;

/**
 * Writing FROZEN starts the freeze; the state reads FREEZING until every task stopped. A
 * task in an uninterruptible sleep can stall it, so FROZEN is written again while waiting
 * (as runc does).
 */
export async function freeze(dir: string): Promise<void> {
  const state = `${dir}/freezer.state`;
  const frozen = await pollUntil(async () => {
    await writeCgroupFile(state, 'FROZEN');
    return (await readCgroupFile(state)).trim() === 'FROZEN';
  }, FREEZE_TIMEOUT_MS);
  if (!frozen) {
    // A half-done freeze would leave some processes stopped with no one to thaw them.
    await writeCgroupFile(state, 'THAWED');
    throw new CgroupError(
      'freeze',
      state,
      '',
      `freeze ${dir}: freezer.state did not reach FROZEN within ${FREEZE_TIMEOUT_MS} ms`,
    );
  }
}

export async function thaw(dir: string): Promise<void> {
  await writeCgroupFile(`${dir}/freezer.state`, 'THAWED');
}
