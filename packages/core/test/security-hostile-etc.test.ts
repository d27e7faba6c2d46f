import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCgroupManager } from '../src/cgroup/create-cgroup-manager.js';
import { koffiLibc } from '../src/libc/koffi-libc.js';
import { securityStore } from './support/security-containers.js';

// The init reads the image's /etc/passwd and /etc/group before the user's program runs.
// An image author chooses what those are: a FIFO nobody writes (the start would wait
// forever), a device that never ends, a symlink into /proc, a 64 MiB file. Each must give
// one clear error, and leave no container, cgroup or process behind.

const store = securityStore('security-hostile-etc');
afterEach(() => store.assertNothingLeft());
after(() => store.cleanup());

const hostile: Array<
  [what: string, image: string, tamper: (passwd: string) => void, message: RegExp]
> = [
  [
    'a FIFO',
    'hostile-fifo',
    (passwd) => execFileSync('mkfifo', [passwd]),
    /etc\/passwd of image hostile-fifo is a FIFO, not a regular file/,
  ],
  [
    'a device',
    'hostile-device',
    (passwd) => execFileSync('mknod', [passwd, 'c', '1', '5']),
    /etc\/passwd of image hostile-device is a character device, not a regular file/,
  ],
  [
    'a symlink into /proc',
    'hostile-symlink',
    (passwd) => symlinkSync('../../../../proc/self/environ', passwd),
    /etc\/passwd of image hostile-symlink is a symbolic link to \/proc\/\d+\/environ, out of the image's own files/,
  ],
  [
    'a 64 MiB file',
    'hostile-huge',
    (passwd) => {
      writeFileSync(passwd, 'root:x:0:0::/root:/bin/sh\n');
      // Sparse on the host; the cap is on the size, so 64 MiB shows what 1 GiB would.
      truncateSync(passwd, 64 * 1024 ** 2);
    },
    /etc\/passwd of image hostile-huge is 64 MiB, more than the 4 MiB a user database may be/,
  ],
];

for (const [what, image, tamper, message] of hostile) {
  test(`an image whose /etc/passwd is ${what} gets one clear error, and nothing is left`, async () => {
    await store.craftImage(image, (rootfs) => {
      const passwd = join(rootfs, 'etc/passwd');
      rmSync(passwd, { force: true });
      tamper(passwd);
    });
    const started = Date.now();
    await assert.rejects(store.run({ image, command: ['true'] }), message);
    assert.ok(Date.now() - started < 10_000, 'refused at once, not after a deadline');
  });
}

test('a start that takes longer than its deadline is stopped, and nothing is left', async () => {
  const impatient = securityStore('security-start-deadline', { startTimeoutMs: 1 });
  try {
    await assert.rejects(
      impatient.run({ image: 'busybox', command: ['true'] }),
      /took longer than 0\.001 s: the container init was stopped \(set COVE_START_TIMEOUT_MS to allow more\)/,
    );
    impatient.assertNothingLeft();
  } finally {
    impatient.cleanup();
  }
});

test('rm -f of a container whose start is stuck removes it at once, long before the deadline', async () => {
  // A start stuck for real: the container's cgroup is frozen before its init joins it, so
  // the init stops there, with its setup half done, as on a mount that never returns.
  const stuck = securityStore('security-stuck-start', { startTimeoutMs: 20_000 });
  const record = await stuck.engine.create({ image: 'busybox', command: ['true'] });
  const cgroup = createCgroupManager({ name: record.id, libc: koffiLibc });
  try {
    await cgroup.create();
    await cgroup.freeze();
    const starting = stuck.engine.start(record.id, { kind: 'log' });
    starting.catch(() => {});
    for (let i = 0; i < 500 && (await cgroup.processes()).length === 0; i++) await sleep(10);
    assert.notDeepEqual(await cgroup.processes(), [], 'the init joined the frozen cgroup');

    const removing = Date.now();
    await stuck.engine.remove(record.id, { force: true });
    const tookMs = Date.now() - removing;
    assert.ok(tookMs < 5_000, `rm -f took ${tookMs} ms: it waited for the start`);
    await assert.rejects(starting, /was cut short: the container is being removed \(rm -f\)/);
    stuck.assertNothingLeft();
    assert.deepEqual(stuck.engine.list(), []);
  } finally {
    await cgroup.thaw().catch(() => {});
    await cgroup.remove().catch(() => {});
    stuck.cleanup();
  }
});
