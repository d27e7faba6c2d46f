import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes } from '@cove/shared';
import { parseAuthChallenge } from '../src/image/auth-challenge.js';
import { normalizeReference, parseImageReference } from '../src/image/image-reference.js';
import { selectManifest } from '../src/image/platform.js';
import { registryBaseUrl } from '../src/image/registry-endpoint.js';
import { blockSize, encodeHeader, endOfArchive } from '../src/image/tar-header.js';
import { readTar } from '../src/image/tar-reader.js';
import { file, tarArchive, tarEntry } from './support/image-archives.js';

async function* chunks(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function entries(data: Buffer, chunkSize = 7) {
  const found: { path: string; type: string; data: string; linkPath: string }[] = [];
  for await (const { header, body } of readTar(chunks(data, chunkSize))) {
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(part);
    found.push({
      path: header.path,
      type: header.type,
      data: Buffer.concat(parts).toString(),
      linkPath: header.linkPath,
    });
  }
  return found;
}

function gnuLongName(name: string): Buffer {
  const body = Buffer.from(`${name}\0`);
  const header = encodeHeader({
    path: '././@LongLink',
    type: 'gnu-long-name',
    mode: 0,
    uid: 0,
    gid: 0,
    size: body.length,
    mtime: 0,
    linkPath: '',
    devMajor: 0,
    devMinor: 0,
  });
  return Buffer.concat([header, body, Buffer.alloc(blockSize - body.length)]);
}

describe('tar reader', () => {
  test('reads names longer than 100 bytes from PAX and GNU headers, in chunks of any size', async () => {
    const long = `${'deep/'.repeat(40)}file.txt`;
    const archive = Buffer.concat([
      tarEntry(file(long, 'pax')),
      gnuLongName(`${long}.gnu`),
      tarEntry(file('short', 'gnu')),
      tarEntry({ path: 'link', type: 'symlink', linkPath: `/${'x'.repeat(150)}` }),
      endOfArchive,
    ]);
    for (const size of [1, 511, 4096]) {
      assert.deepEqual(
        (await entries(archive, size)).map((e) => [e.path, e.data, e.linkPath]),
        [
          [long, 'pax', ''],
          [`${long}.gnu`, 'gnu', ''],
          ['link', '', `/${'x'.repeat(150)}`],
        ],
      );
    }
  });

  test('skips the data of entries the caller does not read', async () => {
    const archive = tarArchive([file('a', 'x'.repeat(3000)), file('b', 'second')]);
    const paths: string[] = [];
    for await (const { header } of readTar(chunks(archive, 1000))) paths.push(header.path);
    assert.deepEqual(paths, ['a', 'b']);
  });

  test('refuses an archive cut short, one without its end marker, and a damaged header', async () => {
    const archive = tarArchive([file('a', 'x'.repeat(3000))]);
    await assert.rejects(entries(archive.subarray(0, 1500)), /truncated/);
    await assert.rejects(
      entries(archive.subarray(0, archive.length - 1024)),
      /end-of-archive marker/,
    );
    const damaged = Buffer.from(archive);
    damaged[10] = 0x41;
    await assert.rejects(entries(damaged), /checksum mismatch/);
  });
});

describe('image references', () => {
  test('are named as Docker names them', () => {
    assert.deepEqual(parseImageReference('alpine'), {
      registry: 'docker.io',
      repository: 'library/alpine',
      tag: 'latest',
    });
    assert.deepEqual(parseImageReference('127.0.0.1:5000/team/app:v1'), {
      registry: '127.0.0.1:5000',
      repository: 'team/app',
      tag: 'v1',
    });
    assert.equal(normalizeReference('docker.io/library/busybox'), 'busybox:latest');
    assert.equal(normalizeReference('ghcr.io/owner/app:2'), 'ghcr.io/owner/app:2');
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(normalizeReference(`owner/app@${digest}`), `owner/app@${digest}`);
    assert.throws(() => parseImageReference('Alpine'), /invalid image reference/);
    assert.throws(() => parseImageReference('alpine@sha256:short'), /not a sha256 digest/);
  });

  test('plain HTTP is allowed only for a registry on this machine', () => {
    assert.equal(registryBaseUrl('127.0.0.1:5000', true).href, 'http://127.0.0.1:5000/');
    assert.equal(registryBaseUrl('docker.io', false).href, 'https://registry-1.docker.io/');
    assert.throws(
      () => registryBaseUrl('registry.example.com', true),
      /only allowed for a registry on this machine/,
    );
  });
});

test('a Bearer challenge is parsed with its realm, service and scope', () => {
  assert.deepEqual(
    parseAuthChallenge(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
    ),
    {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/alpine:pull',
      },
    },
  );
});

test('an index yields the manifest of the wanted platform, or says which it has', () => {
  const digest = (c: string) => `sha256:${c.repeat(64)}` as const;
  const manifests = [
    {
      mediaType: '',
      digest: digest('a'),
      size: 1,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    },
    {
      mediaType: '',
      digest: digest('b'),
      size: 1,
      platform: { os: 'linux', architecture: 'amd64' },
    },
    {
      mediaType: '',
      digest: digest('c'),
      size: 1,
      platform: { os: 'unknown', architecture: 'unknown' },
    },
  ];
  assert.equal(
    selectManifest(manifests, { os: 'linux', architecture: 'amd64' }, 'x').digest,
    digest('b'),
  );
  assert.equal(
    selectManifest(manifests, { os: 'linux', architecture: 'arm64', variant: 'v8' }, 'x').digest,
    digest('a'),
  );
  assert.throws(
    () => selectManifest(manifests, { os: 'linux', architecture: 's390x' }, 'app:1'),
    /app:1 has no image for linux\/s390x \(it has: linux\/arm64\/v8, linux\/amd64\)/,
  );
});

test('sizes print in decimal units', () => {
  assert.deepEqual([0, 999, 1000, 1_234_567, 52_400_000].map(formatBytes), [
    '0 B',
    '999 B',
    '1 kB',
    '1.23 MB',
    '52.4 MB',
  ]);
});
