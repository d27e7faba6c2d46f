import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { testStore } from './support/cove-cli.js';

const store = testStore();
before(() => store.start());
const { cove } = store;
after(() => store.cleanup());

function inspect(name: string) {
  const result = cove(['inspect', name]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout)[0];
}

/** Removes a container and proves its cgroup directories went with it. */
function removeAndCheckCgroups(name: string) {
  const paths: string[] = inspect(name).cgroupPaths;
  assert.ok(paths.length > 0, 'the record names its cgroups');
  assert.equal(cove(['rm', '-f', name]).code, 0);
  for (const path of paths) assert.equal(existsSync(path), false, `${path} was removed`);
}

const memoryFile = (paths: string[]) => {
  const v2 = paths.find((p) => existsSync(join(p, 'memory.current')));
  if (v2) return join(v2, 'memory.current');
  const v1 = paths.find((p) => existsSync(join(p, 'memory.usage_in_bytes')));
  return join(v1 ?? '', 'memory.usage_in_bytes');
};

describe('cove run with limits: the cgroup enforces them and reports them', () => {
  afterEach(() => store.assertNothingLeft());

  test('a 32 MiB container allocating 64 MiB is OOM-killed: exit 137 and OOMKilled', () => {
    const result = cove([
      'run',
      '--name',
      'hog',
      '-m',
      '32m',
      'busybox',
      'dd',
      'if=/dev/zero',
      'of=/dev/null',
      'bs=64M',
      'count=1',
    ]);
    assert.equal(result.code, 137);
    const record = inspect('hog');
    assert.equal(record.state.exitCode, 137);
    assert.equal(record.state.oomKilled, true);
    assert.equal(record.spec.limits.memory, 32 * 1024 * 1024);
    for (const path of record.cgroupPaths)
      assert.equal(existsSync(path), false, 'cgroup removed at exit');
    assert.equal(cove(['rm', 'hog']).code, 0);
  });

  test('a fork loop under --pids 16 never exceeds 16, and stats match the cgroup files', async () => {
    cove([
      'run',
      '-d',
      '--name',
      'forky',
      '--pids',
      '16',
      'busybox',
      'sh',
      '-c',
      'sh -c "while true; do sleep 60 & done" 2>/dev/null; exec sleep 60',
    ]);
    try {
      // The inner shell forks until the kernel refuses (EAGAIN), then exits; PID 1 stays.
      await sleep(700);
      const stats = JSON.parse(cove(['stats', '--no-stream', '--format', 'json', 'forky']).stdout);
      assert.equal(stats.stats.pids.limit, 16);
      const paths: string[] = inspect('forky').cgroupPaths;
      const pidsDir = paths.find((p) => existsSync(join(p, 'pids.current'))) ?? '';
      const current = Number(readFileSync(join(pidsDir, 'pids.current'), 'utf8'));
      assert.equal(stats.stats.pids.current, current, 'stats say what pids.current says');
      assert.ok(current <= 16 && current >= 14, `${current} processes: the loop filled the limit`);
      const refused = /max (\d+)/.exec(readFileSync(join(pidsDir, 'pids.events'), 'utf8'));
      assert.ok(Number(refused?.[1]) > 0, 'the kernel refused forks past the limit');
      const memoryNow = Number(readFileSync(memoryFile(paths), 'utf8'));
      const reported = stats.stats.memory.current;
      assert.ok(
        Math.abs(reported - memoryNow) <= 0.1 * memoryNow,
        `memory ${reported} within 10% of ${memoryNow}`,
      );
    } finally {
      removeAndCheckCgroups('forky');
    }
  });

  test('pause stops a counter and unpause restarts it', async () => {
    const id = cove([
      'run',
      '-d',
      '--name',
      'counter',
      'busybox',
      'sh',
      '-c',
      'i=0; while true; do i=$((i+1)); echo $i > /tmp/n; sleep 0.02; done',
    ]).stdout.trim();
    const counter = () =>
      Number(readFileSync(join(store.root, 'containers', id, 'upper/tmp/n'), 'utf8'));
    try {
      await sleep(300);
      assert.equal(cove(['pause', 'counter']).code, 0);
      assert.equal(inspect('counter').state.status, 'paused');
      const frozen = counter();
      await sleep(300);
      assert.equal(counter(), frozen, 'no progress while paused');
      assert.equal(cove(['unpause', 'counter']).code, 0);
      await sleep(300);
      assert.ok(counter() > frozen, 'counting again after unpause');
      assert.equal(inspect('counter').state.status, 'running');
    } finally {
      removeAndCheckCgroups('counter');
    }
  });

  test('--cpus 0.5 holds a busy loop to half a core, read from the cgroup', async () => {
    cove([
      'run',
      '-d',
      '--name',
      'spin',
      '--cpus',
      '0.5',
      'busybox',
      'sh',
      '-c',
      'while :; do :; done',
    ]);
    try {
      const record = inspect('spin');
      assert.equal(record.spec.limits.cpus, 0.5);
      const paths: string[] = record.cgroupPaths;
      const v2 = paths.find(
        (p) => existsSync(join(p, 'cpu.stat')) && existsSync(join(p, 'cpu.max')),
      );
      const v1 = paths.find((p) => existsSync(join(p, 'cpuacct.usage')));
      // CPU time the cgroup has used, in microseconds, as the kernel counts it.
      const usedUsec = () =>
        v2
          ? Number(/^usage_usec (\d+)/m.exec(readFileSync(join(v2, 'cpu.stat'), 'utf8'))?.[1])
          : Number(readFileSync(join(v1 ?? '', 'cpuacct.usage'), 'utf8')) / 1000;
      await sleep(300);
      const before = usedUsec();
      const startedAt = performance.now();
      await sleep(2000);
      const percent = ((usedUsec() - before) / ((performance.now() - startedAt) * 1000)) * 100;
      assert.ok(
        percent >= 40 && percent <= 60,
        `the busy loop used ${percent.toFixed(1)}% of a core`,
      );
    } finally {
      removeAndCheckCgroups('spin');
    }
  });

  test('a bad size is refused before anything is made', () => {
    const result = cove(['run', '--rm', '-m', '12xb', 'busybox', 'true']);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /invalid limits\.memory: invalid size "12xb"/);
    const pids = cove(['run', '--rm', '--pids', 'many', 'busybox', 'true']);
    assert.match(pids.stderr, /--pids takes a number, not "many"/);
  });
});
