import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const hostBusybox = '/bin/busybox';

/**
 * The root filesystem every tool runs: Debian's static busybox with each applet linked
 * where `busybox --list-full` puts it and a minimal /etc, the same files Cove's built-in
 * busybox image holds. Static, so no tool has to bring libraries.
 */
export function buildBusyboxRootfs(rootfs: string): void {
  for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'proc', 'sys', 'dev']) {
    mkdirSync(join(rootfs, dir), { recursive: true, mode: 0o755 });
  }
  mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync(hostBusybox, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  const applets = execFileSync(hostBusybox, ['--list-full'], { encoding: 'utf8' });
  for (const applet of applets.split('\n').filter((a) => a && a !== 'bin/busybox')) {
    const path = join(rootfs, applet);
    mkdirSync(dirname(path), { recursive: true });
    try {
      symlinkSync('/bin/busybox', path);
    } catch {
      // an applet listed twice
    }
  }
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\n');
}

/** The same tree as a tar file, for `podman import`. */
export function tarRootfs(rootfs: string, tarPath: string): void {
  execFileSync('tar', ['-C', rootfs, '-cf', tarPath, '.']);
}
