import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { testStore } from './support/cove-cli.js';

// Named volumes through the real agent and CLI: made on first use, kept after the
// container is removed, shared by the next, refused to rm while used.

const store = testStore();
before(() => store.start());
after(() => {
  store.cove(['rm', '-f', 'reader']);
  store.assertNothingLeft();
  return store.cleanup();
});

const inspectVolume = (name: string) =>
  JSON.parse(store.cove(['volume', 'inspect', name]).stdout)[0];

test('a named volume is made on first use, outlives its container and is shared with the next', () => {
  const writer = store.runSh('echo kept > /data/note; echo written', ['-v', 'data:/data']);
  assert.equal(writer.code, 0, writer.stderr);
  assert.equal(writer.stdout, 'written\n');

  assert.deepEqual(store.cove(['volume', 'ls', '-q']).stdout.split('\n').filter(Boolean), ['data']);
  const volume = inspectVolume('data');
  assert.equal(volume.mountpoint, join(store.root, 'volumes', 'data', '_data'));
  assert.equal(
    readFileSync(join(volume.mountpoint, 'note'), 'utf8'),
    'kept\n',
    'the file is on the host',
  );
  assert.equal(volume.sizeBytes, 5);
  assert.deepEqual(volume.usedBy, [], 'the --rm container is gone');
  assert.equal(
    statSync(join(store.root, 'volumes')).mode & 0o777,
    0o700,
    "the store's volumes are root's",
  );

  const reader = store.cove([
    'run',
    '--name',
    'reader',
    '-v',
    'data:/d:ro',
    'busybox',
    'cat',
    '/d/note',
  ]);
  assert.equal(reader.code, 0, reader.stderr);
  assert.equal(reader.stdout, 'kept\n');
  const readOnly = store.runSh('echo no > /d/note', ['-v', 'data:/d:ro']);
  assert.notEqual(readOnly.code, 0);
  assert.match(readOnly.stderr, /Read-only file system/);

  const refused = store.cove(['volume', 'rm', 'data']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /volume data is in use by container reader: remove it first/);
  assert.ok(existsSync(volume.mountpoint));
  assert.deepEqual(
    inspectVolume('data').usedBy.map((user: { name: string }) => user.name),
    ['reader'],
  );

  assert.equal(store.cove(['rm', 'reader']).code, 0);
  const removed = store.cove(['volume', 'rm', 'data']);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(existsSync(join(store.root, 'volumes', 'data')), false, 'its files are gone');
  assert.equal(store.cove(['volume', 'ls', '-q']).stdout, '');
});

test('volume create, a name taken, prune, and names that are no names', () => {
  assert.equal(store.cove(['volume', 'create', 'spare']).stdout, 'spare\n');
  const again = store.cove(['volume', 'create', 'spare']);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /volume spare already exists/);

  const used = store.cove(['create', '--name', 'holder', '-v', 'held:/h', 'busybox', 'true']);
  assert.equal(used.code, 0, used.stderr);
  const pruned = store.cove(['volume', 'prune', '-f']);
  assert.equal(pruned.stdout, 'Deleted Volumes:\nspare\n', 'only the unused one');
  assert.deepEqual(store.cove(['volume', 'ls', '-q']).stdout, 'held\n');
  assert.equal(store.cove(['rm', 'holder']).code, 0);
  assert.equal(store.cove(['volume', 'rm', 'held']).code, 0);

  const traversal = store.cove(['volume', 'create', '..']);
  assert.notEqual(traversal.code, 0);
  assert.match(traversal.stderr, /a volume name is letters, digits/);
  const relative = store.cove(['run', '--rm', '-v', './x:/x', 'busybox', 'true']);
  assert.notEqual(relative.code, 0);
  assert.match(relative.stderr, /"\.\/x" is neither an absolute host path nor a volume name/);
  const missing = store.cove(['volume', 'inspect', 'nothing']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no such volume: nothing/);
  assert.equal(existsSync(join(store.root, 'volumes', '..', 'x')), false);
});
