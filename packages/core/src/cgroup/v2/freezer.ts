import { CgroupError } from '../cgroup-error.js';
import { parseKeyedValues, pollUntil, readCgroupFile, writeCgroupFile } from '../cgroup-files.js';

const FREEZE_TIMEOUT_MS = 3000;
const NO_FREEZER = { ENOENT: 'this kernel has no cgroup v2 freezer (Linux 5.2 or later has it)' };

export async function freeze(dir: string): Promise<void> {
  await setFrozen(dir, true);
}

export async function thaw(dir: string): Promise<void> {
  await setFrozen(dir, false);
}

/** Writing `cgroup.freeze` only starts the change; `cgroup.events` says when it is done. */
async function setFrozen(dir: string, frozen: boolean): Promise<void> {
  const want = frozen ? 1 : 0;
  await writeCgroupFile(`${dir}/cgroup.freeze`, String(want), NO_FREEZER);
  const reached = await pollUntil(async () => {
    const events = parseKeyedValues(await readCgroupFile(`${dir}/cgroup.events`));
    return events.get('frozen') === want;
  }, FREEZE_TIMEOUT_MS);
  if (!reached) {
    // A half-done freeze would leave some processes stopped with no one to thaw them.
    if (frozen) await writeCgroupFile(`${dir}/cgroup.freeze`, '0');
    throw new CgroupError(
      frozen ? 'freeze' : 'thaw',
      `${dir}/cgroup.events`,
      '',
      `${frozen ? 'freeze' : 'thaw'} ${dir}: cgroup.events did not report frozen ${want} within ${FREEZE_TIMEOUT_MS} ms`,
    );
  }
}
