import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerSpecSchema, parseSize, parseVolume } from '../src/index.js';

test('sizes take the units docker users type', () => {
  assert.equal(parseSize('32m'), 32 * 1024 * 1024);
  assert.equal(parseSize('1g'), 1024 ** 3);
  assert.equal(parseSize('512k'), 512 * 1024);
  assert.equal(parseSize('64MiB'), 64 * 1024 * 1024);
  assert.equal(parseSize('4096'), 4096);
});

test('a bad size names the text it could not read', () => {
  assert.throws(() => parseSize('12xb'), /invalid size "12xb"/);
  assert.throws(() => parseSize('0'), /more than zero/);
  assert.throws(() => parseSize(''), /invalid size ""/);
});

test('volumes parse SRC:DST[:ro], SRC a host path or a volume name, and refuse the rest', () => {
  assert.deepEqual(parseVolume('/a:/b:ro'), { source: '/a', target: '/b', readOnly: true });
  assert.deepEqual(parseVolume('/a:/b'), { source: '/a', target: '/b', readOnly: false });
  assert.deepEqual(parseVolume('data:/b'), { source: 'data', target: '/b', readOnly: false });
  assert.deepEqual(parseVolume('my_db.1:/b:ro'), {
    source: 'my_db.1',
    target: '/b',
    readOnly: true,
  });
  for (const bad of ['./a:/b', '../a:/b', '.a:/b', 'a b:/b']) {
    assert.throws(
      () => parseVolume(bad),
      /is neither an absolute host path nor a volume name/,
      bad,
    );
  }
  assert.throws(() => parseVolume('/a:/b:rx'), /mode must be ro or rw/);
  assert.throws(() => parseVolume('/a'), /expected \/host\/path:\/container\/path/);
  assert.throws(() => parseVolume('/a:/b/../c'), /must not contain ".."/);
});

test('a container spec needs an image and validates every field', () => {
  assert.equal(ContainerSpecSchema.safeParse({ image: '' }).success, false);
  assert.equal(
    ContainerSpecSchema.safeParse({ image: 'busybox', hostname: 'bad_host' }).success,
    false,
  );
  assert.equal(
    ContainerSpecSchema.safeParse({ image: 'busybox', env: ['NOEQUALS'] }).success,
    false,
  );
  const spec = ContainerSpecSchema.parse({ image: 'busybox', limits: { memory: '32m' } });
  assert.equal(spec.limits.memory, 32 * 1024 * 1024);
  assert.deepEqual(spec.command, []);
});
