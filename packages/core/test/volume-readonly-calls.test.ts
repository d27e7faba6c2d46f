import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AT_EMPTY_PATH,
  AT_RECURSIVE,
  MOUNT_ATTR_RDONLY,
  MS_BIND,
  MS_REC,
  MS_REMOUNT,
} from '../src/libc/constants.js';
import { bindVolume } from '../src/rootfs/volumes.js';
import { recordingLibc } from './support/recording-libc.js';

// The calls that make a volume, with a recording libc (no root needed); the kernel's
// side is in volumes-readonly.test.ts.

const rootFd = 3;

test('a :ro volume is a recursive bind made read-only by mount_setattr(AT_RECURSIVE), not by a remount', () => {
  const fake = recordingLibc();
  bindVolume(fake.libc, rootFd, { source: '/etc', target: '/data', readOnly: true });
  const mounts = fake.named('mount');
  assert.equal(mounts.length, 1, 'one mount: the bind');
  assert.equal(mounts[0]?.args[3], MS_BIND | MS_REC);
  assert.ok(!mounts.some((m) => Number(m.args[3]) & MS_REMOUNT), 'no remount');
  const [setattr, ...more] = fake.named('mountSetattr');
  assert.equal(more.length, 0);
  assert.deepEqual(setattr?.args.slice(1), [
    '',
    AT_EMPTY_PATH | AT_RECURSIVE,
    { attrSet: MOUNT_ATTR_RDONLY, attrClr: 0, propagation: 0, usernsFd: 0 },
    '/data',
  ]);
  const reopened = fake.named('openat2').at(-1);
  assert.equal(reopened?.args[1], 'data', 'the target is opened again, after the bind');
  const order = fake.calls.map((c) => c.call);
  assert.ok(order.indexOf('mount') < order.indexOf('mountSetattr'));
});

test('a :rw volume is only the recursive bind', () => {
  const fake = recordingLibc();
  bindVolume(fake.libc, rootFd, { source: '/etc', target: '/data', readOnly: false });
  assert.equal(fake.named('mount').length, 1);
  assert.equal(fake.named('mountSetattr').length, 0);
});

test('a kernel without mount_setattr gets a sentence, not only ENOSYS', () => {
  const fake = recordingLibc();
  fake.fail('mountSetattr', 'ENOSYS');
  assert.throws(
    () => bindVolume(fake.libc, rootFd, { source: '/etc', target: '/data', readOnly: true }),
    /^CoveError: read-only volumes need Linux 5\.12 or later \(mount_setattr\(2\)\)$/,
  );
  assert.equal(
    fake.named('close').length,
    fake.named('open').length + fake.named('openat2').length,
    'every fd opened is closed',
  );
});
