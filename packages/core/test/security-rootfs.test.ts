import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { maskedPaths, readonlyPaths } from '../src/rootfs/mask-paths.js';
import { securityStore } from './support/security-containers.js';

// The rootfs of an image is untrusted: symlinks in it must never turn a mount made for
// the container into a mount (or a write) on the host. The existing hostile-image tests
// cover /proc, /dev, /sys and volume targets that are absolute symlinks; these add what
// runc learned since, and check that what is masked or read-only stays so.

const store = securityStore('security-rootfs');
const hostTarget = mkdtempSync(join(tmpdir(), 'cove-security-rootfs-target-'));

afterEach(() => {
  store.assertNothingLeft();
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  assert.equal(mounts.includes(hostTarget), false, 'nothing is mounted on the host path');
  assert.deepEqual(readdirSync(hostTarget), [], 'nothing was written into the host path');
});
after(() => {
  store.cleanup();
  rmSync(hostTarget, { recursive: true, force: true });
});

describe('symlinks in the image stay inside the container', () => {
  test('/dev/null as a symlink does not redirect the masks made from it (CVE-2025-31133)', async () => {
    // runc bind-mounted the container's /dev/null over masked paths; an image (or a
    // race) making it a symlink got something else mounted there instead.
    await store.craftImage('evil-dev-null', (rootfs) => {
      symlinkSync('/proc/sys/kernel/core_pattern', join(rootfs, 'dev/null'));
      symlinkSync(join(hostTarget, 'zero'), join(rootfs, 'dev/zero'));
    });
    const { code, log, stdout, stderr } = await store.runSh(
      'stat -c "%F %t:%T" /dev/null /dev/zero; wc -c < /proc/timer_list; echo x > /dev/zero; ' +
        'echo "|/bin/sh" > /proc/sys/kernel/core_pattern || echo core-pattern-refused',
      { image: 'evil-dev-null' },
    );
    assert.equal(code, 0, log);
    assert.match(stdout, /^character special file 1:3\ncharacter special file 1:5\n0\n/);
    assert.match(stderr, /Read-only file system\n$/);
    assert.match(stdout, /\ncore-pattern-refused\n$/);
  });

  test('a volume target whose symlink climbs out with ../ lands inside the root (CVE-2021-30465)', async () => {
    const volume = mkdtempSync(join(tmpdir(), 'cove-security-volume-'));
    try {
      writeFileSync(join(volume, 'marker'), 'from the volume\n');
      await store.craftImage('evil-volume-climb', (rootfs) =>
        symlinkSync(`../../../../../../../..${hostTarget}`, join(rootfs, 'data')),
      );
      const { code, log } = await store.run({
        image: 'evil-volume-climb',
        command: ['cat', `${hostTarget}/marker`],
        volumes: [{ source: volume, target: '/data' }],
      });
      assert.equal(code, 0, log);
      assert.equal(
        log,
        'from the volume\n',
        'the volume is mounted in the root, where the link leads',
      );
    } finally {
      rmSync(volume, { recursive: true, force: true });
    }
  });
});

describe('masked and read-only paths', () => {
  test('masked kernel files read empty and masked directories list nothing', async () => {
    const script = maskedPaths
      .map(
        (path) =>
          `if [ -d ${path} ]; then echo "${path} $(ls -A ${path} | wc -l)"; ` +
          `elif [ -e ${path} ]; then echo "${path} $(cat ${path} 2>/dev/null | wc -c)"; fi`,
      )
      .join('; ');
    const { code, log } = await store.runSh(script);
    assert.equal(code, 0, log);
    const seen = new Map(
      log
        .trim()
        .split('\n')
        .map((line) => [line.split(' ')[0], line.split(' ')[1]]),
    );
    const onThisKernel = maskedPaths.filter((path) => existsSync(path));
    assert.ok(onThisKernel.length >= 3, `masked paths on this kernel: ${onThisKernel}`);
    for (const path of onThisKernel) assert.equal(seen.get(path), '0', `${path} reveals nothing`);
  });

  test('read-only kernel paths are read-only mounts, and writing through them fails', async () => {
    const { code, log, stdout, stderr } = await store.runSh(
      'cat /proc/self/mountinfo; echo x > /proc/sys/kernel/hostname || echo sysctl-refused',
    );
    assert.equal(code, 0, log);
    const mountOptions = new Map(
      stdout
        .split('\n')
        .map((line) => line.split(' '))
        .filter((fields) => fields.length > 6)
        .map((fields) => [fields[4], fields[5]?.split(',') ?? []]),
    );
    for (const path of readonlyPaths.filter((p) => existsSync(p))) {
      assert.ok(mountOptions.get(path)?.includes('ro'), `${path} is mounted read-only`);
    }
    assert.match(stderr, /Read-only file system\n$/);
    assert.match(stdout, /\nsysctl-refused\n$/);
  });

  test('/sys is read-only: no uevent helper or firmware path can be set from inside', async () => {
    const { stdout, stderr } = await store.runSh(
      'grep " /sys " /proc/self/mountinfo | cut -d" " -f6; mkdir /sys/escape || echo sys-refused',
    );
    assert.match(stdout, /^ro,.*\nsys-refused\n$/s);
    assert.match(stderr, /Read-only file system\n$/);
  });
});

describe('cgroups cannot be used to escape (CVE-2022-0492, release_agent)', () => {
  // The escape: mount a cgroup v1 hierarchy, set its release_agent to a program in the
  // container, and have the host's kernel run it as root. It needs a writable cgroupfs.
  const attempt =
    'mkdir /sys/fs/cgroup/escape || echo cgroupfs-refused; mkdir -p /tmp/cg; ' +
    'mount -t cgroup -o rdma cgroup /tmp/cg || echo v1-refused; ' +
    'mount -t cgroup2 none /tmp/cg || echo v2-refused; ls /tmp/cg | wc -l';

  test('no cgroup hierarchy is writable inside, and none can be mounted', async () => {
    const { stdout } = await store.runSh(attempt);
    assert.equal(stdout, 'cgroupfs-refused\nv1-refused\nv2-refused\n0\n');
  });

  test('without the seccomp filter, the missing CAP_SYS_ADMIN still stops it', async () => {
    const { stdout } = await store.runSh(attempt, { seccomp: 'unconfined' });
    assert.equal(stdout, 'cgroupfs-refused\nv1-refused\nv2-refused\n0\n');
  });
});
