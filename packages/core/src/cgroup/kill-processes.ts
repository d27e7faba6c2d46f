import { parsePids, readCgroupFile } from './cgroup-files.js';

/** SIGKILLs every pid listed in a `cgroup.procs`; returns how many were listed. */
export async function killListedProcesses(procsPath: string): Promise<number> {
  const pids = parsePids(await readCgroupFile(procsPath));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      // It exited between the read and the kill.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return pids.length;
}
