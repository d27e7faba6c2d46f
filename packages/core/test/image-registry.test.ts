import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PullProgress } from '@cove/shared';
import { createEngine } from '../src/engine.js';
import { getImage, listImages } from '../src/image/image-store.js';
import { loginRegistry } from '../src/image/login-registry.js';
import { pullImage } from '../src/image/pull-image.js';
import { credentialsPath } from '../src/image/registry-credentials.js';
import { readLogText } from '../src/logs/read-log.js';
import {
  busyboxRootfs,
  dir,
  file,
  skopeoCopy,
  type TestImageSpec,
  writeMultiPlatformLayout,
  writeOciLayout,
} from './support/image-archives.js';
import { startFaultyProxy, startRegistry, type TestRegistry } from './support/image-registry.js';
import { imageTestStore } from './support/image-store-fixture.js';

const store = imageTestStore('image-registry');
const engine = createEngine({ root: store.root, defaultNetwork: 'none' });
after(() => {
  engine.close();
  store.cleanup();
});

async function runToExit(image: string, command: string[]) {
  const container = await engine.run({ image, command, user: '0' }, { kind: 'log' });
  const code = await container.exited;
  const log = readLogText(engine.logPath(container.id));
  await engine.remove(container.id);
  return { code, log };
}

const image = (marker: string): TestImageSpec => ({
  layers: [
    [
      ...busyboxRootfs(),
      dir('data'),
      file('data/keep', 'k\n'),
      file('data/gone', 'g\n'),
      dir('cache'),
      file('cache/old', 'o\n'),
      file('marker', marker),
    ],
    [
      dir('data'),
      file('data/.wh.gone', ''),
      dir('cache'),
      file('cache/.wh..wh..opq', ''),
      file('cache/new', 'n\n'),
    ],
  ],
  config: {
    Env: ['FROM_CONFIG=yes'],
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: ['echo $FROM_CONFIG; pwd; ls /data /cache'],
    WorkingDir: '/cache',
  },
});

let pushes = 0;
/** Builds an image and pushes it with skopeo; returns the manifest digest skopeo reports. */
async function push(
  registry: string,
  reference: string,
  spec: TestImageSpec,
  credentials?: string,
): Promise<string> {
  const layout = join(store.scratch, `push-${++pushes}`);
  writeOciLayout(layout, spec);
  const digestFile = join(store.scratch, `push-${pushes}.digest`);
  await skopeoCopy(`oci:${layout}:latest`, `docker://${registry}/${reference}`, [
    '--dest-tls-verify=false',
    '--digestfile',
    digestFile,
    ...(credentials ? ['--dest-creds', credentials] : []),
  ]);
  return readFileSync(digestFile, 'utf8').trim();
}

describe('cove pull from a registry (Debian docker-registry on loopback)', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry();
  });
  after(() => registry.stop());

  test('an image pushed by skopeo arrives with its digest, whiteouts and config, and runs', async () => {
    const pushed = await push(registry.host, 'cove/stacked:1', image('plain'));
    const progress: PullProgress[] = [];
    const pulled = await pullImage(store.layout, `${registry.host}/cove/stacked:1`, {
      insecure: true,
      onProgress: (update) => progress.push(update),
    });
    assert.equal(pulled.reference, `${registry.host}/cove/stacked:1`);
    assert.equal(pulled.digest, pushed, 'the digest is the one the registry holds');
    assert.equal(
      listImages(store.layout).find((i) => i.reference === pulled.reference)?.digest,
      pushed,
    );
    const phases = [...new Set(progress.map((p) => p.phase))];
    assert.deepEqual(phases, ['resolving', 'downloading', 'extracting', 'done']);
    const done = progress.at(-1);
    assert.ok(done?.totalBytes, 'the total is known');
    assert.equal(done.bytes, done.totalBytes, 'every byte counted');

    const { code, log } = await runToExit(pulled.reference, []);
    assert.equal(code, 0, log);
    assert.equal(log, 'yes\n/cache\n/cache:\nnew\n\n/data:\nkeep\n');

    const layers = store.layerCount();
    const again: PullProgress[] = [];
    await pullImage(store.layout, `${registry.host}/cove/stacked:1`, {
      insecure: true,
      onProgress: (p) => again.push(p),
    });
    assert.ok(!again.some((p) => p.phase === 'downloading'), 'a second pull downloads no layer');
    assert.equal(store.layerCount(), layers);
  });

  test('from a manifest list, the host platform is pulled', async () => {
    const layout = join(store.scratch, 'multi-push');
    const { images } = writeMultiPlatformLayout(
      layout,
      [
        { architecture: 'arm64', spec: image('arm64') },
        { architecture: 'amd64', spec: image('amd64') },
      ],
      { nested: true },
    );
    await skopeoCopy(`oci:${layout}:latest`, `docker://${registry.host}/cove/multi:1`, [
      '--all',
      '--dest-tls-verify=false',
    ]);
    const pulled = await pullImage(store.layout, `${registry.host}/cove/multi:1`, {
      insecure: true,
    });
    assert.equal(pulled.digest, images[1]?.manifestDigest, 'the amd64 manifest');
    assert.equal((await runToExit(pulled.reference, ['cat /marker'])).log, 'amd64');
  });

  test('a connection dropped in the middle of a layer is resumed with a Range request, and the layer still verifies', async () => {
    await push(registry.host, 'cove/resume:1', image('resume'));
    const proxy = await startFaultyProxy(registry.host, { cutFirstBlobDownload: true });
    try {
      const pulled = await pullImage(store.layout, `${proxy.host}/cove/resume:1`, {
        insecure: true,
      });
      const resumed = proxy.requests.filter((r) => r.range);
      assert.equal(resumed.length, 1, 'one download was resumed');
      assert.match(
        resumed[0]?.range ?? '',
        /^bytes=[1-9]\d*-$/,
        'from where it stopped, not from 0',
      );
      assert.equal((await runToExit(pulled.reference, ['cat /marker'])).log, 'resume');
    } finally {
      await proxy.close();
    }
  });

  test('a layer altered on the way is refused, and nothing of the image is stored', async () => {
    await push(registry.host, 'cove/altered:1', image('altered'));
    const proxy = await startFaultyProxy(registry.host, { alterBlobs: true });
    const layers = store.layerCount();
    try {
      await assert.rejects(
        pullImage(store.layout, `${proxy.host}/cove/altered:1`, { insecure: true }),
        /blob sha256:\w+ arrived as sha256:\w+: it was altered or damaged on the way, refusing it/,
      );
    } finally {
      await proxy.close();
    }
    assert.equal(store.layerCount(), layers, 'no layer was stored');
    await assert.rejects(
      getImage(store.layout, `${proxy.host}/cove/altered:1`),
      /not found in the store/,
    );
    assert.deepEqual(readdirSync(store.paths.tmp), [], 'no download is left behind');
  });

  test('a missing image says so', async () => {
    await assert.rejects(
      pullImage(store.layout, `${registry.host}/cove/nothing:1`, { insecure: true }),
      new RegExp(`${registry.host}/cove/nothing:1 not found`),
    );
  });
});

describe('cove pull behind a token-auth challenge', () => {
  let registry: TestRegistry;
  const user = 'cove';
  const password = 'correct horse';
  before(async () => {
    registry = await startRegistry({ auth: { user, password } });
  });
  after(() => registry.stop());

  test('needs a login; a wrong password is refused and not stored; the right one is stored 0600 and pulls', async () => {
    await push(registry.host, 'cove/private:1', image('private'), `${user}:${password}`);
    const reference = `${registry.host}/cove/private:1`;
    await assert.rejects(
      pullImage(store.layout, reference, { insecure: true }),
      new RegExp(`${registry.host} wants a login for this: cove login ${registry.host}`),
    );
    await assert.rejects(
      loginRegistry(
        store.layout,
        registry.host,
        { username: user, password: 'wrong' },
        { insecure: true },
      ),
      /the token service refused the credentials of "cove"/,
    );
    assert.equal(
      existsSync(credentialsPath(store.layout)),
      false,
      'refused credentials are not stored',
    );

    await loginRegistry(
      store.layout,
      registry.host,
      { username: user, password },
      { insecure: true },
    );
    assert.equal(statSync(credentialsPath(store.layout)).mode & 0o777, 0o600);
    const pulled = await pullImage(store.layout, reference, { insecure: true });
    assert.equal((await runToExit(pulled.reference, ['cat /marker'])).log, 'private');
    assert.ok(
      registry.tokenRequests.some(
        (r) => r.user === user && r.scope === 'repository:cove/private:pull',
      ),
      'the token was asked for with the login, scoped to pulling this repository',
    );
  });
});
