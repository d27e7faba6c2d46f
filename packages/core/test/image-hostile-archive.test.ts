import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { getImage } from '../src/image/image-store.js';
import { importImage } from '../src/image/import-image.js';
import { encodeHeader, endOfArchive } from '../src/image/tar-header.js';
import {
  dir,
  type EntrySpec,
  file,
  hardlink,
  symlink,
  tarArchive,
} from './support/image-archives.js';
import { imageTestStore } from './support/image-store-fixture.js';

const store = imageTestStore('hostile-archive');
// A directory outside the store that hostile archives aim at: it must stay empty.
const hostTarget = mkdtempSync(join(tmpdir(), 'cove-hostile-target-'));
after(() => {
  store.cleanup();
  rmSync(hostTarget, { recursive: true, force: true });
});

const importEntries = (name: string, entries: EntrySpec[], options = {}) =>
  importImage(store.layout, store.write(`${name}.tar`, tarArchive(entries)), name, options);

/** The unpacked layer of an imported one-layer image. */
const layerOf = async (reference: string) =>
  (await getImage(store.layout, reference)).layers[0] ?? '';

describe('a hostile archive is refused, and nothing lands outside the store', () => {
  afterEach(() => {
    assert.deepEqual(readdirSync(hostTarget), [], 'nothing was written outside the store');
    store.assertNoImageDebris();
  });

  test('an absolute path', async () => {
    await assert.rejects(
      importEntries('absolute', [dir('etc'), file(`${hostTarget}/pwned`, 'x')]),
      /archive member ".*\/pwned" has an absolute path: refusing the archive/,
    );
  });

  test('a path that climbs out with ".."', async () => {
    const climb = `${'../'.repeat(12)}${hostTarget.slice(1)}/pwned`;
    await assert.rejects(
      importEntries('climb', [file(climb, 'x')]),
      /climbs out with "\.\.": refusing the archive/,
    );
  });

  test('a symlink to a host directory, then a file written through it', async () => {
    await assert.rejects(
      importEntries('through-link', [symlink('escape', hostTarget), file('escape/pwned', 'x')]),
      /"escape" is a symlink in this layer and the archive writes through it: refusing the archive/,
    );
  });

  test('a relative symlink climbing out, then a directory made through it', async () => {
    const up = `${'../'.repeat(12)}${hostTarget.slice(1)}`;
    await assert.rejects(
      importEntries('relative-link', [symlink('up', up), dir('up/made')]),
      /"up" is a symlink in this layer/,
    );
  });

  test('a hard link to a host file, by absolute path, by "..", or through a symlink', async () => {
    await assert.rejects(
      importEntries('hard-abs', [hardlink('shadow', '/etc/shadow')]),
      /has an absolute path/,
    );
    await assert.rejects(
      importEntries('hard-up', [hardlink('shadow', '../../../../etc/shadow')]),
      /climbs out/,
    );
    await assert.rejects(
      importEntries('hard-via-link', [symlink('etc', '/etc'), hardlink('shadow', 'etc/shadow')]),
      /hard link "shadow" passes through "etc", which is not a directory in this layer/,
    );
    await assert.rejects(
      importEntries('hard-missing', [hardlink('passwd', 'etc/passwd')]),
      /points at "etc\/passwd", which is not in this layer/,
    );
  });

  test('a whiteout naming ".."', async () => {
    await assert.rejects(
      importEntries('whiteout-up', [dir('a'), file('a/.wh...', '')]),
      /whiteout "a\/\.wh\.\.\." names/,
    );
  });

  test('a decompression bomb: 64 MiB of zeros in 64 kB of gzip, against a 16 MiB limit', async () => {
    const bomb = gzipSync(tarArchive([file('zeros', Buffer.alloc(64 * 1024 * 1024))]));
    assert.ok(bomb.length < 256 * 1024, 'the bomb is small');
    const path = store.write('bomb.tar.gz', bomb);
    await assert.rejects(
      importImage(store.layout, path, 'bomb', { limits: { maxBytes: 16 * 1024 * 1024 } }),
      /unpacks to more than 16\.8 MB: refusing it \(a decompression bomb/,
    );
  });

  test('an entry that declares an absurd size', async () => {
    const header = encodeHeader({
      path: 'huge',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: 2 ** 40,
      mtime: 0,
      linkPath: '',
      devMajor: 0,
      devMinor: 0,
    });
    const path = store.write(
      'absurd.tar',
      Buffer.concat([header, Buffer.alloc(4096), endOfArchive]),
    );
    await assert.rejects(
      importImage(store.layout, path, 'absurd'),
      /"huge" declares 1\.1 TB, more than the archive may unpack to/,
    );
  });

  test('more entries than the limit', async () => {
    const many = Array.from({ length: 300 }, (_, i) => file(`f${i}`, ''));
    await assert.rejects(
      importEntries('many', many, { limits: { maxEntries: 100 } }),
      /more than 100 entries/,
    );
  });
});

describe('what an archive may carry is neutralised, and said', () => {
  test('device nodes are skipped, and a forged 0/0 whiteout device is not created', async () => {
    const result = await importEntries('devices', [
      dir('dev'),
      { path: 'dev/sda', type: 'block', devMajor: 8, devMinor: 0 },
      { path: 'dev/mem', type: 'char', devMajor: 1, devMinor: 1 },
      { path: 'forged-whiteout', type: 'char', devMajor: 0, devMinor: 0 },
      file('ok', 'kept'),
    ]);
    assert.match(
      result.warnings.join('\n'),
      /skipped 3 device node\(s\) \(first: \/dev\/sda\): a container gets its \/dev from Cove/,
    );
    const layer = await layerOf('devices');
    assert.deepEqual(readdirSync(join(layer, 'dev')), []);
    assert.deepEqual(readdirSync(layer).sort(), ['dev', 'ok']);
  });

  test('setuid stays on a root-owned program and goes from a world-writable one', async () => {
    const result = await importEntries('setuid', [
      dir('bin'),
      file('bin/su', 'x', 0o4755),
      file('bin/trap', 'x', 0o4777),
    ]);
    const layer = await layerOf('setuid');
    assert.equal(statSync(join(layer, 'bin/su')).mode & 0o7777, 0o4755);
    assert.equal(statSync(join(layer, 'bin/trap')).mode & 0o7777, 0o777);
    assert.match(
      result.warnings.join('\n'),
      /removed setuid\/setgid from 1 .*\(first: \/bin\/trap\)/,
    );
  });

  test('whiteouts become overlayfs whiteouts: a 0/0 device and an opaque directory', async () => {
    await importEntries('whiteouts', [
      dir('etc'),
      file('etc/.wh.gone', ''),
      dir('cache'),
      file('cache/.wh..wh..opq', ''),
      file('cache/new', 'n'),
    ]);
    const layer = await layerOf('whiteouts');
    const gone = lstatSync(join(layer, 'etc/gone'));
    assert.ok(gone.isCharacterDevice() && gone.rdev === 0, 'etc/gone is a 0/0 character device');
    assert.deepEqual(readdirSync(join(layer, 'etc')), ['gone'], 'the .wh. file itself is not kept');
    const opaque = execFileSync(
      'getfattr',
      ['--only-values', '-n', 'trusted.overlay.opaque', join(layer, 'cache')],
      { encoding: 'utf8' },
    );
    assert.equal(opaque, 'y');
    assert.deepEqual(readdirSync(join(layer, 'cache')), ['new']);
  });
});
