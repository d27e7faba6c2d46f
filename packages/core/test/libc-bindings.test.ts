import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { koffiLibc } from '../src/libc/koffi-libc.js';
import { SyscallError } from '../src/libc/syscall-error.js';

// The koffi bindings themselves: each call reaches the kernel, and a failure names the
// call, its path and the errno.

const scratch = mkdtempSync(join(tmpdir(), 'cove-libc-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

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
