import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { StartTraceSchema } from '@cove/shared';
import { testStore } from './support/cove-cli.js';

const store = testStore();
const scratch = mkdtempSync(join(tmpdir(), 'cove-trace-files-'));
before(() => store.start());
const { cove } = store;
after(async () => {
  await store.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('cove run --trace and cove trace: a container being born', () => {
  afterEach(() => store.assertNothingLeft());

  test('run --trace --rm prints the whole birth to stderr and leaves stdout to the program', () => {
    const result = cove(['run', '--trace', '--rm', 'busybox', 'echo', 'hello']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'hello\n');
    const { stderr } = result;
    assert.match(
      stderr,
      /^The start of \S+ \(busybox: echo hello\), .*: [\d.]+ ms, \d+ steps, \d+ calls$/m,
    );
    for (const expected of [
      'PID 1 of a new PID namespace (made in advance)',
      'unshare(CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET)',
      'mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL)',
      '$ mount --make-rprivate /',
      'pivot_root(".", ".")',
      'umount2(".", MNT_DETACH)',
      'execve("/bin/echo", ["echo", "hello"])',
    ]) {
      assert.ok(stderr.includes(expected), `the trace shows ${expected}`);
    }
    const order = [
      'Mounts made private',
      'A fresh /proc',
      'pivot_root into the container',
      "execve: the user's program is PID 1",
    ];
    const positions = order.map((title) => stderr.indexOf(title));
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
      'in the order of the seeds',
    );
  });

  test('--trace-file writes the JSON that cove trace shows later, by name', () => {
    const file = join(scratch, 'trace.json');
    const started = cove([
      'run',
      '-d',
      '--trace-file',
      file,
      '--name',
      'traced',
      'busybox',
      'sleep',
      '100',
    ]);
    assert.equal(started.code, 0, started.stderr);
    const written = StartTraceSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    assert.equal(written.containerName, 'traced');
    assert.equal(written.error, undefined);

    const shown = cove(['trace', '--format', 'json', 'traced']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(JSON.parse(shown.stdout), written);
    const stepsOnly = cove(['trace', '--steps', 'traced']);
    assert.ok(stepsOnly.stdout.includes('$ unshare --mount --uts --ipc --net --cgroup'));
    assert.ok(!stepsOnly.stdout.includes('mount(NULL'), '--steps leaves the calls out');
    assert.equal(cove(['rm', '-f', 'traced']).code, 0);
  });

  test('a failed start prints its trace ending in the failing step, and is listed by --failed', () => {
    const result = cove(['run', '--trace', '--rm', 'busybox', 'no-such-program']);
    assert.equal(result.code, 127);
    assert.match(result.stderr, /^\s+[\d.]+\s+[\d.]+ x init {2}The command looked up$/m);
    assert.match(result.stderr, /failed: .*no-such-program/);
    const failed = cove(['trace', '--failed']);
    assert.equal(failed.code, 0, failed.stderr);
    assert.match(failed.stdout, /busybox {2}at "The command looked up": .*no-such-program/);
  });

  test('exec --trace prints how the process was started, into the running container', () => {
    assert.equal(cove(['run', '-d', '--name', 'host-of-exec', 'busybox', 'sleep', '100']).code, 0);
    const result = cove(['exec', '--trace', 'host-of-exec', 'echo', 'hi']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'hi\n');
    assert.match(result.stderr, /^The exec of host-of-exec \(busybox: echo hi\)/m);
    assert.match(result.stderr, /exec {2}Into the container's namespaces/);
    assert.match(result.stderr, /setns\(\d+ \(the pidfd of PID \d+\), CLONE_NEWNS\|/);
    assert.match(result.stderr, /spawn\("\/bin\/echo", \["echo", "hi"\]\) = \d+$/m);
    assert.equal(cove(['rm', '-f', 'host-of-exec']).code, 0);
  });

  test('a container that does not exist is one clear error', () => {
    const result = cove(['trace', 'nobody-here']);
    assert.equal(result.code, cove(['inspect', 'nobody-here']).code, 'as inspect fails');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /nobody-here/);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });
});
