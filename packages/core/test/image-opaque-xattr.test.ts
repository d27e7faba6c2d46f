import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { getImage } from '../src/image/image-store.js';
import { importImage } from '../src/image/import-image.js';
import { dir, file, tarArchive } from './support/image-archives.js';
import { imageTestStore } from './support/image-store-fixture.js';

const store = imageTestStore('opaque-xattr');
// A PATH with nothing on it: setfattr(1) and sync(1) cannot be what marks and flushes a layer.
const emptyPath = mkdtempSync(join(tmpdir(), 'cove-empty-path-'));
after(() => {
  store.cleanup();
  rmSync(emptyPath, { recursive: true, force: true });
});

test('an opaque directory of an imported layer gets trusted.overlay.opaque=y without any helper program', async () => {
  const archive = store.write(
    'opaque.tar',
    tarArchive([
      dir('cache'),
      file('cache/.wh..wh..opq', ''),
      file('cache/kept', 'k'),
      dir('plain'),
    ]),
  );
  const savedPath = process.env.PATH;
  process.env.PATH = emptyPath;
  try {
    await importImage(store.layout, archive, 'opaque:1');
  } finally {
    process.env.PATH = savedPath;
  }
  const [layer = ''] = (await getImage(store.layout, 'opaque:1')).layers;
  const opaque = (path: string) =>
    execFileSync('/usr/bin/getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', path], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  assert.equal(opaque(join(layer, 'cache')), 'y');
  assert.throws(() => opaque(join(layer, 'plain')), 'a directory without the marker is not opaque');
  assert.deepEqual(readdirSync(join(layer, 'cache')), ['kept'], 'the marker file is not kept');
});
