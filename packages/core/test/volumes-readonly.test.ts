import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { securityStore } from './support/security-containers.js';

// A `:ro` volume is read-only all the way down: the mounts below its source on the host
// come along with the recursive bind, and they are read-only in the container too, with
// the source's nosuid, nodev and noexec kept.

const store = securityStore('volumes-readonly');
const scratch = mkdtempSync(join(tmpdir(), 'cove-volumes-'));
const hostMounts: string[] = [];

function mountTmpfs(path: string) {
  mkdirSync(path, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,nosuid,nodev,noexec', 'tmpfs', path]);
  hostMounts.unshift(path);
}

afterEach(() => store.assertNothingLeft());
after(() => {
  for (const path of hostMounts) execFileSync('umount', [path]);
  assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(scratch), false);
  rmSync(scratch, { recursive: true, force: true });
  store.cleanup();
});

/** Tries a write at each path inside the container; answers "ok" or what touch(1) said. */
const tryWrites = (paths: string[]) =>
  paths.map((path) => `touch ${path} 2>&1 && echo "${path}: ok" || true`).join('; ');

test('a tmpfs mounted below a :ro volume source is read-only in the container, with its flags kept', async () => {
  const source = join(scratch, 'nested');
  mountTmpfs(source);
  mountTmpfs(join(source, 'below'));
  const { code, log, stdout } = await store.runSh(
    `${tryWrites(['/data/top', '/data/below/deep'])}; ` +
      "awk '$5 ~ /^\\/data/ { print $5, $6 }' /proc/self/mountinfo",
    { volumes: [{ source, target: '/data', readOnly: true }] },
  );
  assert.equal(code, 0, log);
  const lines = stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, 2), [
    'touch: /data/top: Read-only file system',
    'touch: /data/below/deep: Read-only file system',
  ]);
  const options = new Map(lines.slice(2).map((line) => line.split(' ') as [string, string]));
  for (const target of ['/data', '/data/below']) {
    const flags = (options.get(target) ?? '').split(',');
    for (const flag of ['ro', 'nosuid', 'nodev', 'noexec'])
      assert.ok(flags.includes(flag), `${target} is mounted ${flag} (${flags.join(',')})`);
  }
});

test('a plain :ro volume is read-only and a :rw one is writable', async () => {
  const readOnly = join(scratch, 'plain-ro');
  const writable = join(scratch, 'plain-rw');
  mkdirSync(readOnly);
  mkdirSync(writable);
  const { code, log, stdout } = await store.runSh(tryWrites(['/ro/file', '/rw/file']), {
    volumes: [
      { source: readOnly, target: '/ro', readOnly: true },
      { source: writable, target: '/rw', readOnly: false },
    ],
  });
  assert.equal(code, 0, log);
  assert.equal(stdout, 'touch: /ro/file: Read-only file system\n/rw/file: ok\n');
  assert.deepEqual(readdirSync(readOnly), []);
  assert.deepEqual(readdirSync(writable), ['file'], 'the write through :rw reached the host');
});
