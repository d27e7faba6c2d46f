import { mkdirSync } from 'node:fs';
import { CoveError, withContext } from '../errors.js';
import type { Libc } from '../libc/libc.js';

/** Changes to the container's working directory, made if missing, inside the container's root. */
export function enterWorkingDirectory(libc: Libc, workdir: string): void {
  withContext(`changing to the working directory ${workdir}`, () => {
    mkdirSync(workdir, { recursive: true });
    libc.chdir(workdir);
    // A directory reached through a leaked fd lies outside the root, and getcwd(3) says
    // so by failing: refuse it (CVE-2024-21626). Not process.cwd(): Node caches the
    // answer and refreshes it only on its own process.chdir().
    let cwd: string;
    try {
      cwd = libc.getcwd();
    } catch {
      cwd = '';
    }
    if (!cwd.startsWith('/')) {
      throw new CoveError(`working directory ${workdir} is outside the container's root`);
    }
  });
}
