import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AT_RECURSIVE, LOCK_EX, LOCK_NB, MOUNT_ATTR_RDONLY } from '../src/libc/constants.js';
import { koffiLibc } from '../src/libc/koffi-libc.js';
import { errnoName, SyscallError } from '../src/libc/syscall-error.js';

// The koffi bindings themselves: each call reaches the kernel, and a failure names the
// call, its path and the errno.

const scratch = mkdtempSync(join(tmpdir(), 'cove-libc-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const wouldBlock = errnoName(constants.errno.EWOULDBLOCK);
/** An fd number this process surely has not open. */
const closedFd = 1_000_000;

function assertSyscallError(action: () => unknown, message: RegExp, code: string) {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof SyscallError);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

test('setxattr of a missing path names the call, the path, the attribute and ENOENT', () => {
  const missing = join(scratch, 'missing');
  assertSyscallError(
    () => koffiLibc.setxattr(missing, 'user.cove', 'y', 0),
    new RegExp(
      `^setxattr\\("${missing}", "user\\.cove"\\): ENOENT \\(No such file or directory\\)$`,
    ),
    'ENOENT',
  );
});

test('syncfs flushes the filesystem of an open directory, and names the path on EBADF', () => {
  const fd = openSync(scratch, 'r');
  try {
    koffiLibc.syncfs(fd, scratch);
  } finally {
    closeSync(fd);
  }
  assertSyscallError(() => koffiLibc.syncfs(fd, scratch), /^syncfs\(".*"\): EBADF/, 'EBADF');
});

test('flock of a file another open file description holds fails with EWOULDBLOCK at once, naming the path', () => {
  const path = join(scratch, 'lock');
  const holder = openSync(path, 'w');
  const waiter = openSync(path, 'r');
  try {
    koffiLibc.flock(holder, LOCK_EX | LOCK_NB, path);
    assertSyscallError(
      () => koffiLibc.flock(waiter, LOCK_EX | LOCK_NB, path),
      new RegExp(`^flock\\("${path}", 6\\): ${wouldBlock} `),
      wouldBlock,
    );
  } finally {
    closeSync(holder);
    closeSync(waiter);
  }
});

test('mount_setattr with a closed dirfd fails with EBADF, naming the mount and the attributes', () => {
  assertSyscallError(
    () =>
      koffiLibc.mountSetattr(
        closedFd,
        'volume',
        AT_RECURSIVE,
        { attrSet: MOUNT_ATTR_RDONLY, attrClr: 0, propagation: 0, usernsFd: 0 },
        '/data',
      ),
    /^mount_setattr\("\/data", 0x8000, set 0x1, clear 0x0\): EBADF/,
    'EBADF',
  );
});
