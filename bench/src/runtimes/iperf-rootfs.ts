import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const hostIperf = '/usr/bin/iperf3';

/**
 * The busybox rootfs with Debian's iperf3 added, and each library `ldd` names copied to
 * the path the loader looks for it at: the same client for Cove and podman, as a tar for
 * either to import.
 */
export function buildIperfRootfs(busyboxRootfs: string, rootfs: string, tarPath: string): void {
  cpSync(busyboxRootfs, rootfs, { recursive: true, verbatimSymlinks: true });
  const files = [hostIperf, ...sharedLibraries(hostIperf)];
  for (const file of files) {
    const target = join(rootfs, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target); // follows a library's symlink: the file itself
  }
  execFileSync('tar', ['-C', rootfs, '-cf', tarPath, '.']);
}

/** Absolute paths of the libraries a program loads, its loader among them. */
function sharedLibraries(program: string): string[] {
  const output = execFileSync('ldd', [program], { encoding: 'utf8' });
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (match?.[1]) paths.push(match[1]);
  }
  return paths;
}
