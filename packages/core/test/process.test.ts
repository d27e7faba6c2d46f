import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultCapabilityMask } from '../src/process/capabilities.js';
import { elfInterpreter } from '../src/process/command.js';
import { buildEnvironment } from '../src/process/environment.js';
import { resolveUser } from '../src/process/user.js';

test("the default capability set is Docker's (0xa80425fb)", () => {
  assert.equal(defaultCapabilityMask, 0xa80425fbn);
});

test('the ELF interpreter of a dynamic binary is read from PT_INTERP; a static one has none', () => {
  assert.equal(elfInterpreter('/usr/bin/true'), '/lib64/ld-linux-x86-64.so.2');
  assert.equal(elfInterpreter('/bin/busybox'), undefined);
});

test('user environment overrides the image, which overrides the defaults', () => {
  const env = buildEnvironment({
    hostname: 'h',
    home: '/root',
    image: ['PATH=/img', 'A=1'],
    user: ['A=2'],
  });
  assert.ok(env.includes('PATH=/img'));
  assert.ok(env.includes('A=2'));
  assert.ok(env.includes('HOSTNAME=h'));
});

test("users resolve from the image's passwd and group, numbers need no entry", () => {
  const root = mkdtempSync(join(tmpdir(), 'cove-user-'));
  try {
    mkdirSync(join(root, 'etc'));
    writeFileSync(
      join(root, 'etc/passwd'),
      'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n',
    );
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\napp:x:1000:\nwheel:x:10:app\n');
    assert.deepEqual(resolveUser('app', 'img', root), {
      uid: 1000,
      gid: 1000,
      groups: [1000, 10],
      home: '/home/app',
    });
    assert.deepEqual(resolveUser('4242:7', 'img', root), {
      uid: 4242,
      gid: 7,
      groups: [7],
      home: '/',
    });
    assert.throws(
      () => resolveUser('ghost', 'img', root),
      /user "ghost" not found in \/etc\/passwd of image img/,
    );
    assert.throws(() => resolveUser('app:ghosts', 'img', root), /group "ghosts" not found/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
