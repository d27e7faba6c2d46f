import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CgroupError,
  type CgroupManager,
  cpuPercent,
  createCgroupManager,
  detectCgroupSetup,
  removeOrphanCgroups,
} from '../src/cgroup/index.js';
import { type HeldProcess, killIfRunning, spawnHeld } from './support/cgroup-processes.js';
import { ownDirs, removeCgroupTree } from './support/cgroup-tree.js';

// The same tests run on this v1 host and in the cgroup v2 qemu guest (packages/core/vm).
const MiB = 1024 * 1024;
const setup = detectCgroupSetup();
const parent = `cove-test-${process.pid}-${randomBytes(4).toString('hex')}`;
const skip = process.geteuid?.() !== 0 ? 'needs root to create cgroups' : false;

const held: HeldProcess[] = [];

function start(script: string): HeldProcess {
  const heldProcess = spawnHeld(script);
  held.push(heldProcess);
  return heldProcess;
}

async function newContainer(name: string): Promise<CgroupManager> {
  const manager = createCgroupManager({ name, parent, setup });
  await manager.create();
  return manager;
}

/** A controller's file of the container, read straight from cgroupfs. */
function readDirect(manager: CgroupManager, controller: string, file: string): string {
  const index =
    setup.mode === 'v2'
      ? 0
      : setup.hierarchies.findIndex((h) => h.controllers.some((c) => c === controller));
  return readFileSync(`${manager.paths[index]}/${file}`, 'utf8');
}

function keyed(text: string, key: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${key} `));
  return Number(line?.split(' ')[1]);
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

function assertNothingOfOursRemains(): void {
  for (const dir of ownDirs(setup)) {
    assert.equal(existsSync(`${dir}/${parent}`), false, `${dir}/${parent} was left behind`);
  }
}

describe(`cgroup ${setup.mode} on a real kernel`, { skip }, () => {
  afterEach(async () => {
    for (const heldProcess of held.splice(0)) killIfRunning(heldProcess);
    for (const dir of ownDirs(setup)) await removeCgroupTree(`${dir}/${parent}`);
  });
  after(assertNothingOfOursRemains);

  test('orphan cgroups: empty old ones are removed, busy or young ones stay', async () => {
    const orphan = await newContainer('orphan');
    const busy = await newContainer('busy');
    const sleeper = start('exec /bin/busybox sleep 30');
    await busy.addProcess(sleeper.pid);
    // Too young to be an orphan: another engine may be about to put its process in.
    assert.deepEqual(removeOrphanCgroups(setup, { parent }), []);
    const removed = removeOrphanCgroups(setup, { parent, olderThanMs: 0 });
    assert.deepEqual(
      removed.filter((dir) => !dir.endsWith(`/${parent}`)).sort(),
      [...orphan.paths].sort(),
      'only the empty cgroup went',
    );
    assert.equal(removed.length, orphan.paths.length, 'the parent stays while busy is in it');
    for (const path of orphan.paths) assert.equal(existsSync(path), false, path);
    for (const path of busy.paths) assert.equal(existsSync(path), true, `${path} has a process`);
    // Its process dies unwatched: now it is an orphan too, and the parent empties.
    killIfRunning(sleeper);
    await sleeper.exited;
    const last = removeOrphanCgroups(setup, { parent, olderThanMs: 0 });
    assert.equal(last.length, busy.paths.length * 2, 'the cgroup, then its parent, per hierarchy');
    assertNothingOfOursRemains();
  });

  test('a process allocating 64 MiB under a 32 MiB limit is OOM-killed and counted', async () => {
    const container = await newContainer('oom');
    await container.apply({ memory: 32 * MiB, memorySwap: 32 * MiB });
    // busybox dd fills one 64 MiB buffer from /dev/zero: every page is touched.
    const hog = start('exec /bin/busybox dd if=/dev/zero of=/dev/null bs=64M count=1');
    await container.addProcess(hog.pid);
    hog.release();

    assert.deepEqual(await hog.exited, { code: null, signal: 'SIGKILL' });
    const oomKills = await container.oomKillCount();
    assert.ok(oomKills >= 1);
    const stats = await container.stats();
    console.log(`oom: SIGKILL, oom_kill ${oomKills}, peak ${stats.memory.peak} bytes`);
    assert.equal(stats.memory.limit, 32 * MiB);
    assert.ok(stats.memory.peak === null || stats.memory.peak <= 32 * MiB);
    await container.remove();
    assertNothingOfOursRemains();
  });

  test('a fork loop under pids 16 never has more than 16 processes', async () => {
    const container = await newContainer('pids');
    await container.apply({ pids: 16 });
    const forker = start('for i in $(/bin/busybox seq 40); do /bin/busybox sleep 5 & done; wait');
    await container.addProcess(forker.pid);
    forker.release();

    let most = 0;
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) {
      most = Math.max(most, (await container.stats()).pids.current);
      await sleep(5);
    }
    console.log(`pids: at most ${most} processes under pids 16`);
    assert.ok(most <= 16, `saw ${most} processes`);
    assert.ok(
      keyed(readDirect(container, 'pids', 'pids.events'), 'max') > 0,
      'no fork was refused',
    );
    // The host still forks.
    assert.equal(spawnSync('/bin/busybox', ['true']).status, 0);
    await container.killAll();
    await container.remove();
    assertNothingOfOursRemains();
  });

  test('cpus 0.5 holds a busy loop to half a core', async () => {
    const container = await newContainer('cpu');
    await container.apply({ cpus: 0.5 });
    const spinner = start('while :; do :; done');
    await container.addProcess(spinner.pid);
    spinner.release();
    await sleep(300);

    const before = (await container.stats()).cpu.usageUsec;
    const startedAt = performance.now();
    await sleep(2000);
    const usage = (await container.stats()).cpu.usageUsec;
    const percent = cpuPercent(before, usage, performance.now() - startedAt);
    console.log(`cpu: ${percent.toFixed(1)}% of a core under cpus 0.5`);
    assert.ok(percent >= 40 && percent <= 60, `busy loop used ${percent.toFixed(1)}%`);
    await container.killAll();
    await container.remove();
  });

  test('freeze stops a counter and thaw restarts it', async () => {
    const container = await newContainer('freeze');
    const counter = start('i=0; while :; do i=$((i+1)); echo $i; /bin/busybox sleep 0.02; done');
    await container.addProcess(counter.pid);
    counter.release();
    assert.ok(await until(() => counter.lines.length >= 3, 3000), 'the counter never counted');

    await container.freeze();
    await sleep(50);
    const frozenAt = counter.lines.length;
    await sleep(400);
    assert.equal(counter.lines.length, frozenAt, 'the counter ran while frozen');

    await container.thaw();
    assert.ok(await until(() => counter.lines.length > frozenAt + 2, 3000), 'no count after thaw');
    await container.killAll();
    await container.remove();
  });

  test('stats agree with the cgroup files read directly', async () => {
    const container = await newContainer('stats');
    await container.apply({ memory: 64 * MiB, pids: 32 });
    const sleeper = start('/bin/busybox sleep 30 & /bin/busybox sleep 30 & wait');
    await container.addProcess(sleeper.pid);
    sleeper.release();
    assert.ok(await until(async () => (await container.processes()).length === 3, 3000));

    const stats = await container.stats();
    const v2 = setup.mode === 'v2';
    assert.equal(stats.pids.current, Number(readDirect(container, 'pids', 'pids.current')));
    assert.equal(stats.pids.limit, 32);
    assert.equal(stats.memory.limit, 64 * MiB);
    const current = Number(
      readDirect(container, 'memory', v2 ? 'memory.current' : 'memory.usage_in_bytes'),
    );
    assert.ok(
      Math.abs(stats.memory.current - current) < MiB,
      `${stats.memory.current} vs ${current}`,
    );
    const memoryStat = readDirect(container, 'memory', 'memory.stat');
    assert.ok(Math.abs(stats.memory.anon - keyed(memoryStat, v2 ? 'anon' : 'total_rss')) < MiB);
    assert.ok(Math.abs(stats.memory.file - keyed(memoryStat, v2 ? 'file' : 'total_cache')) < MiB);
    const cpuNow = v2
      ? keyed(readDirect(container, 'cpu', 'cpu.stat'), 'usage_usec')
      : Number(readDirect(container, 'cpuacct', 'cpuacct.usage')) / 1000;
    assert.ok(stats.cpu.usageUsec > 0 && stats.cpu.usageUsec <= cpuNow);
    assert.deepEqual((await container.processes()).length, stats.pids.current);
    await container.killAll();
    await container.remove();
  });

  test('a stats reader sees each change through its open files and fails once the cgroup is removed', async () => {
    const container = await newContainer('reader');
    await container.apply({ memory: 64 * MiB, pids: 32 });
    const reader = await container.openStatsReader();
    try {
      assert.equal(reader.stats().pids.current, 0);
      const family = start('/bin/busybox sleep 30 & /bin/busybox sleep 30 & wait');
      await container.addProcess(family.pid);
      family.release();
      // pread at offset 0 of an open cgroup file gives the kernel's current value.
      assert.ok(await until(() => reader.stats().pids.current === 3, 3000), 'pids.current');
      const stats = reader.stats();
      const direct = await container.stats();
      assert.deepEqual(stats.pids, direct.pids);
      assert.equal(stats.memory.limit, 64 * MiB);
      assert.equal(stats.memory.limit, direct.memory.limit);
      assert.ok(stats.memory.current > 0);
      assert.ok(stats.cpu.usageUsec > 0 && stats.cpu.usageUsec <= direct.cpu.usageUsec);
      assert.equal(reader.oomKillCount(), await container.oomKillCount());

      await container.killAll();
      await family.exited;
      // Open files do not keep the cgroup: it goes, and its files then fail to read.
      await container.remove();
      for (const path of container.paths) assert.equal(existsSync(path), false, path);
      assert.throws(
        () => reader.stats(),
        (error: unknown) => {
          assert.ok(error instanceof CgroupError, String(error));
          console.log(`reader: a removed cgroup's file reads ${error.code}`);
          return true;
        },
      );
      assert.throws(() => reader.oomKillCount(), CgroupError);
    } finally {
      reader.close();
    }
  });

  test('killAll kills every process and remove leaves nothing', async () => {
    const container = await newContainer('kill');
    const family = start('for i in 1 2 3 4; do /bin/busybox sleep 30 & done; wait');
    await container.addProcess(family.pid);
    family.release();
    assert.ok(await until(async () => (await container.processes()).length === 5, 3000));

    await container.killAll();
    assert.equal((await family.exited).signal, 'SIGKILL');
    await container.remove();
    await container.remove();
    assertNothingOfOursRemains();
  });

  test('v2: the agent cgroup holding processes moves them to a leaf before enabling controllers', {
    skip: setup.mode !== 'v2' && 'cgroup v2 only',
  }, async () => {
    if (setup.mode !== 'v2') return;
    // A delegated service's cgroup: the agent (here a sleep) lives in it.
    const testDir = `${setup.ownDir}/${parent}`;
    const agentDir = `${testDir}/agent`;
    mkdirSync(testDir);
    writeFileSync(`${setup.ownDir}/cgroup.subtree_control`, '+memory +pids +cpu');
    writeFileSync(`${testDir}/cgroup.subtree_control`, '+memory +pids +cpu');
    mkdirSync(agentDir);
    const agent = start('exec /bin/busybox sleep 30');
    writeFileSync(`${agentDir}/cgroup.procs`, String(agent.pid));

    const container = createCgroupManager({ name: 'ctr', setup: { ...setup, ownDir: agentDir } });
    await container.create();
    await container.apply({ memory: 32 * MiB, pids: 8, cpus: 1 });

    assert.equal(readFileSync(`${agentDir}/cgroup.procs`, 'utf8'), '');
    assert.equal(
      readFileSync(`${agentDir}/cove-agent/cgroup.procs`, 'utf8').trim(),
      String(agent.pid),
    );
    assert.match(readFileSync(`${agentDir}/cgroup.subtree_control`, 'utf8'), /memory/);
    assert.equal(readFileSync(`${agentDir}/cove/ctr/memory.max`, 'utf8').trim(), String(32 * MiB));
    await container.remove();
    assert.equal(existsSync(`${agentDir}/cove`), false);
  });
});
