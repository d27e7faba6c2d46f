import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { CoveError } from '../errors.js';
import { defaultPath } from '../process/environment.js';
import type { ImageConfig } from './image-config.js';

export const hostBusybox = '/bin/busybox';

const etcFiles: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
  'etc/group': 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n',
  'etc/hosts': '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  'etc/os-release':
    'NAME="Cove busybox"\nID=busybox\nPRETTY_NAME="Cove built-in busybox (Debian busybox-static)"\nHOME_URL="https://busybox.net/"\n',
};

export const busyboxConfig: ImageConfig = {
  env: [`PATH=${defaultPath}`],
  entrypoint: [],
  cmd: ['sh'],
  workingDir: '/',
  user: '',
  exposedPorts: [],
};

/**
 * Lays out the built-in image in `rootfs`: Debian's static busybox with every applet
 * linked where busybox says it belongs, and the few files in /etc that programs expect.
 * Static, so it needs no ELF interpreter or library inside the container.
 */
export function buildBusyboxRootfs(rootfs: string, busybox = hostBusybox): void {
  if (!existsSync(busybox)) {
    throw new CoveError(
      `the built-in busybox image needs a static busybox at ${busybox}: apt-get install busybox-static`,
    );
  }
  for (const dir of [
    'bin',
    'sbin',
    'usr/bin',
    'usr/sbin',
    'etc',
    'root',
    'home',
    'proc',
    'sys',
    'dev',
    'var',
  ]) {
    mkdirSync(join(rootfs, dir), { recursive: true, mode: 0o755 });
  }
  mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  chmodSync(join(rootfs, 'root'), 0o700);
  copyFileSync(busybox, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' });
  for (const applet of applets.split('\n').filter(Boolean)) {
    const path = join(rootfs, applet);
    if (applet === 'bin/busybox' || existsSync(path)) continue;
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync('/bin/busybox', path);
  }
  for (const [path, content] of Object.entries(etcFiles)) {
    writeFileSync(join(rootfs, path), content, { mode: 0o644 });
  }
}
