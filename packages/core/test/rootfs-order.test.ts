import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MS_PRIVATE, MS_REC } from '../src/libc/constants.js';
import { setupRootfs } from '../src/rootfs/setup-rootfs.js';
import { recordingLibc } from './support/recording-libc.js';

const plan = {
  overlay: {
    lowerDirs: ['/store/img'],
    upperDir: '/store/c/upper',
    workDir: '/store/c/work',
    mountPoint: '/store/c/rootfs',
  },
  volumes: [],
  tmpfs: [],
  devices: [],
  readOnly: false,
};

test('rootfs setup makes / private before any mount and pivots last', () => {
  const fake = recordingLibc();
  setupRootfs(fake.libc, plan);
  const mounts = fake.named('mount');
  assert.deepEqual(mounts[0]?.args, [null, '/', null, MS_REC | MS_PRIVATE, null]);
  assert.equal(mounts[1]?.args[2], 'overlay');
  const fstypes = mounts.map((m) => m.args[2]);
  for (const fs of ['proc', 'tmpfs', 'devpts', 'mqueue', 'sysfs'])
    assert.ok(fstypes.includes(fs), `${fs} mounted`);
  const order = fake.calls.map((c) => c.call);
  assert.ok(
    order.lastIndexOf('mount') < order.indexOf('pivotRoot'),
    'every mount happens before pivot_root',
  );
  assert.deepEqual(fake.named('pivotRoot')[0]?.args, ['.', '.']);
  assert.deepEqual(fake.named('umount2')[0]?.args, ['.', 2]);
});

test('every mount target inside the rootfs is a /proc/self/fd path from openat2, never a plain path', () => {
  const fake = recordingLibc();
  setupRootfs(fake.libc, {
    ...plan,
    volumes: [{ source: '/etc', target: '/data', readOnly: true }],
  });
  const targets = fake
    .named('mount')
    .slice(2)
    .map((m) => String(m.args[1]));
  for (const target of targets) assert.match(target, /^\/proc\/self\/fd\/\d+$/);
});

test('a failed mount says what was being done, the call, errno and path', () => {
  const fake = recordingLibc();
  fake.fail('mount', 'ENOENT', (args) => args[2] === 'proc');
  assert.throws(
    () => setupRootfs(fake.libc, plan),
    (error: Error) => {
      assert.match(error.message, /^mounting \/proc: mount\(.*\): ENOENT \(ENOENT\)$/);
      return true;
    },
  );
  assert.equal(fake.named('pivotRoot').length, 0, 'no pivot after a failure');
});

test('a symlinked /proc in the image is refused, not followed', () => {
  const fake = recordingLibc();
  fake.fail('openat2', 'ELOOP', (args) => args[1] === 'proc');
  assert.throws(
    () => setupRootfs(fake.libc, plan),
    /\/proc in the image is or passes through a symlink/,
  );
});

test('an overlay-less kernel gets a sentence about overlay, not just ENODEV', () => {
  const fake = recordingLibc();
  fake.fail('mount', 'ENODEV', (args) => args[2] === 'overlay');
  assert.throws(
    () => setupRootfs(fake.libc, plan),
    /no overlay filesystem: load it with "modprobe overlay"/,
  );
});

test('a missing mount target is created with mkdirat in its parent', () => {
  const fake = recordingLibc();
  let first = true;
  fake.fail('openat2', 'ENOENT', (args) => {
    if (args[1] !== 'sys' || !first) return false;
    first = false;
    return true;
  });
  setupRootfs(fake.libc, plan);
  assert.ok(fake.named('mkdirat').some((c) => c.args[1] === 'sys'));
});
