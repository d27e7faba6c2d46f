import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { createEngine } from '../src/engine.js';
import { buildBusyboxRootfs, busyboxConfig } from '../src/image/busybox-image.js';
import { installImage } from '../src/image/image-store.js';
import { readLogText } from '../src/logs/read-log.js';

const root = mkdtempSync(join(tmpdir(), 'cove-hostile-'));
const hostTarget = mkdtempSync(join(tmpdir(), 'cove-hostile-target-'));
const engine = createEngine({ root, defaultNetwork: 'none' });
after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(hostTarget, { recursive: true, force: true });
});

/** An image built like busybox, then altered by `tamper` the way a hostile author would. */
async function craftImage(name: string, tamper: (rootfs: string) => void) {
  await installImage(engine.layout, name, 'latest', busyboxConfig, (rootfs) => {
    buildBusyboxRootfs(rootfs);
    tamper(rootfs);
  });
}

function assertHostUntouched() {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  assert.equal(mounts.includes(hostTarget), false, 'nothing is mounted on the host path');
  assert.equal(mounts.includes(root), false, 'no mount of the store on the host');
  assert.deepEqual(readdirSync(hostTarget), [], 'nothing was written into the host path');
}

afterEach(() => {
  assertHostUntouched();
  assert.deepEqual(readdirSync(engine.layout.containers), [], 'no container left in the store');
});

async function runToExit(
  image: string,
  command: string[],
  volumes: { source: string; target: string }[] = [],
) {
  const container = await engine.run(
    { image, command, volumes, autoRemove: false },
    { kind: 'log' },
  );
  const code = await container.exited;
  const log = readLogText(engine.logPath(container.id));
  await engine.remove(container.id);
  return { code, log };
}

for (const special of ['proc', 'dev', 'sys']) {
  test(`an image whose /${special} is a symlink to a host path is refused, not mounted there`, async () => {
    await craftImage(`evil-${special}`, (rootfs) => {
      rmSync(join(rootfs, special), { recursive: true });
      symlinkSync(hostTarget, join(rootfs, special));
    });
    await assert.rejects(
      engine.run({ image: `evil-${special}`, command: ['true'] }, { kind: 'log' }),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(`/${special} in the image is or passes through a symlink: refusing to use it`),
        );
        return true;
      },
    );
  });
}

test('a volume target that is a symlink to a host path lands inside the container root', async () => {
  const volume = mkdtempSync(join(tmpdir(), 'cove-hostile-volume-'));
  try {
    writeFileSync(join(volume, 'marker'), 'from the volume\n');
    await craftImage('evil-volume', (rootfs) => symlinkSync(hostTarget, join(rootfs, 'data')));
    const { code, log } = await runToExit(
      'evil-volume',
      ['cat', `${hostTarget}/marker`],
      [{ source: volume, target: '/data' }],
    );
    assert.equal(code, 0, log);
    assert.equal(
      log,
      'from the volume\n',
      'inside, the symlink leads to the volume, within the root',
    );
  } finally {
    rmSync(volume, { recursive: true, force: true });
  }
});

test('a symlinked /etc in the image does not make the engine write on the host', async () => {
  await craftImage('evil-etc', (rootfs) => {
    rmSync(join(rootfs, 'etc'), { recursive: true });
    symlinkSync(hostTarget, join(rootfs, 'etc'));
  });
  const { code, log } = await runToExit('evil-etc', ['cat', '/etc/hostname']);
  assert.equal(code, 0, log);
  assert.match(log, /^[0-9a-f]{12}\n$/);
});
