import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuPercent, detectCgroupSetup } from '../src/cgroup/index.js';
import { securityStore } from './support/security-containers.js';

// Whole containers under limits, through the engine: image, namespaces, pivot_root and
// the cgroup driver together. The same file runs on this v1 host and in the cgroup v2
// qemu guest (packages/core/vm), so each promise is checked on both kinds of kernel.
const MiB = 1024 * 1024;
const setup = detectCgroupSetup();
const skip = process.geteuid?.() !== 0 ? 'needs root to run containers' : false;

/** The container's file for `controller`, found among its cgroup directories. */
function cgroupFile(paths: string[], v2File: string, v1File: string): string {
  const name = setup.mode === 'v2' ? v2File : v1File;
  const dir = paths.find((path) => existsSync(join(path, name)));
  assert.ok(dir, `no cgroup directory of the container has ${name}`);
  return join(dir, name);
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

describe(`containers under cgroup ${setup.mode} limits on a real kernel`, { skip }, () => {
  const store = securityStore('cgroup-containers');
  before(() => store.craftImage('busybox', () => {}));
  const { engine } = store;
  const cgroupsMade: string[] = [];
  /** Runs a container, noting its cgroup directories for the check after the test. */
  const run = async (spec: Parameters<typeof engine.run>[0]) => {
    const container = await engine.run(spec, { kind: 'log' });
    cgroupsMade.push(...engine.inspect(container.id).cgroupPaths);
    return container;
  };
  afterEach(async () => {
    // A failed test must not leave its container to fail the next one.
    for (const record of engine.list()) await engine.remove(record.id, { force: true });
    store.assertNothingLeft();
    for (const path of cgroupsMade.splice(0)) assert.equal(existsSync(path), false, `${path} left`);
  });
  after(() => store.cleanup());

  test('a 32 MiB container allocating 64 MiB is OOM-killed: exit 137, OOMKilled, cgroup gone', async () => {
    const container = await run({
      image: 'busybox',
      command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
      limits: { memory: '32m' },
    });
    const paths = engine.inspect(container.id).cgroupPaths;
    assert.equal(await container.exited, 137);
    const record = engine.inspect(container.id);
    assert.equal(record.state.exitCode, 137);
    assert.equal(record.state.oomKilled, true);
    for (const path of paths) assert.equal(existsSync(path), false, `${path} removed at exit`);
    await engine.remove(container.id);
  });

  test('a fork loop under pids 16 never exceeds 16 and the host is unharmed', async () => {
    const container = await run({
      image: 'busybox',
      // The inner shell forks until the kernel refuses (EAGAIN) and exits; PID 1 stays.
      command: ['sh', '-c', 'sh -c "while true; do sleep 60 & done" 2>/dev/null; exec sleep 60'],
      limits: { pids: 16 },
    });
    const pidsCurrent = cgroupFile(
      engine.inspect(container.id).cgroupPaths,
      'pids.current',
      'pids.current',
    );
    let highest = 0;
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      highest = Math.max(highest, Number(readFileSync(pidsCurrent, 'utf8')));
      await sleep(10);
    }
    // The moment at 16 lasts from the last fork that fit to the first refused: a sample
    // may miss it, so the kernel's own count of refused forks proves the loop hit the limit.
    assert.ok(highest <= 16, `${highest} processes under pids 16`);
    const refused = /^max (\d+)/m.exec(
      readFileSync(join(dirname(pidsCurrent), 'pids.events'), 'utf8'),
    );
    assert.ok(Number(refused?.[1]) > 0, 'the kernel refused forks at the limit');
    // Once the inner shell has given up, its sleeps and PID 1 remain: stats say what the file says.
    const stats = await engine.stats(container.id);
    assert.equal(stats.pids.current, Number(readFileSync(pidsCurrent, 'utf8')));
    assert.equal(stats.pids.limit, 16);
    // The host still starts processes: the limit held inside the container only.
    assert.equal(spawnSync('/bin/true').status, 0, 'the host can still fork');
    await engine.remove(container.id, { force: true });
  });

  test("an exec counts as one process against pids, not its shim's threads", async () => {
    const container = await run({
      image: 'busybox',
      command: ['sleep', '600'],
      limits: { pids: 8 },
    });
    const paths = engine.inspect(container.id).cgroupPaths;
    const pidsCurrent = cgroupFile(paths, 'pids.current', 'pids.current');
    const procs = () => readFileSync(cgroupFile(paths, 'cgroup.procs', 'cgroup.procs'), 'utf8');
    assert.equal(Number(readFileSync(pidsCurrent, 'utf8')), 1);
    const exec = await engine.exec(container.id, { args: ['sleep', '30'] });
    const shim = Number(
      /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${exec.pid}/status`, 'utf8'))?.[1],
    );
    // The shim was there when it spawned the process, then left for a cgroup of its own.
    assert.ok(
      await until(() => !procs().split('\n').includes(String(shim)), 2000),
      'the shim stayed in the container cgroup',
    );
    assert.equal(Number(readFileSync(pidsCurrent, 'utf8')), 2, 'PID 1 and the exec');
    assert.ok(
      procs().split('\n').includes(String(exec.pid)),
      'the exec runs in the container cgroup',
    );
    process.kill(exec.pid, 'SIGKILL');
    assert.equal(await exec.exited, 137);
    await engine.remove(container.id, { force: true });
  });

  test('cpus 0.5 holds a busy loop to half a core', async () => {
    const container = await run({
      image: 'busybox',
      command: ['sh', '-c', 'while :; do :; done'],
      limits: { cpus: 0.5 },
    });
    await sleep(300);
    const before = (await engine.stats(container.id)).cpu.usageUsec;
    const startedAt = performance.now();
    await sleep(2000);
    const usage = (await engine.stats(container.id)).cpu.usageUsec;
    const percent = cpuPercent(before, usage, performance.now() - startedAt);
    console.log(`cpu: ${percent.toFixed(1)}% of a core under cpus 0.5`);
    assert.ok(percent >= 40 && percent <= 60, `busy loop used ${percent.toFixed(1)}%`);
    await engine.remove(container.id, { force: true });
  });

  test('pause stops a counter and unpause restarts it', async () => {
    const container = await run({
      image: 'busybox',
      command: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.02; done'],
    });
    const countFile = `/proc/${engine.inspect(container.id).state.pid}/root/tmp/count`;
    const count = () => Number(readFileSync(countFile, 'utf8').trim() || 0);
    assert.ok(await until(() => existsSync(countFile) && count() >= 3, 3000), 'no count');

    await engine.pause(container.id);
    assert.equal(engine.inspect(container.id).state.status, 'paused');
    await sleep(50);
    const pausedAt = count();
    await sleep(400);
    assert.equal(count(), pausedAt, 'the counter ran while paused');

    await engine.unpause(container.id);
    assert.equal(engine.inspect(container.id).state.status, 'running');
    assert.ok(await until(() => count() > pausedAt + 2, 3000), 'no count after unpause');
    await engine.remove(container.id, { force: true });
  });

  test('stats agree with the cgroup files read directly', async () => {
    const container = await run({
      image: 'busybox',
      command: ['sh', '-c', 'sleep 30 & sleep 30 & exec sleep 30'],
      limits: { memory: '64m', pids: 32 },
    });
    const paths = engine.inspect(container.id).cgroupPaths;
    const pidsFile = cgroupFile(paths, 'pids.current', 'pids.current');
    assert.ok(await until(() => readFileSync(pidsFile, 'utf8').trim() === '3', 3000));

    const stats = await engine.stats(container.id);
    assert.equal(stats.pids.current, 3);
    assert.equal(stats.pids.limit, 32);
    assert.equal(stats.memory.limit, 64 * MiB);
    const memory = Number(
      readFileSync(cgroupFile(paths, 'memory.current', 'memory.usage_in_bytes'), 'utf8'),
    );
    assert.ok(
      Math.abs(stats.memory.current - memory) < MiB,
      `${stats.memory.current} vs ${memory}`,
    );
    const limitFile = cgroupFile(paths, 'memory.max', 'memory.limit_in_bytes');
    assert.equal(Number(readFileSync(limitFile, 'utf8')), 64 * MiB);
    await engine.remove(container.id, { force: true });
    for (const path of paths) assert.equal(existsSync(path), false, `${path} was left behind`);
  });
});
