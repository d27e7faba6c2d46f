import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { afterEach, describe, test } from 'node:test';
import { CgroupError, createCgroupManager } from '../src/cgroup/index.js';
import {
  CgroupFsFixture,
  HYBRID_MOUNTINFO,
  HYBRID_PROC_SELF_CGROUP,
  procFiles,
  UNIFIED_MOUNTINFO,
  UNIFIED_PROC_SELF_CGROUP,
} from './support/cgroup-fs-fixture.js';

const MiB = 1024 * 1024;
const MEMORY = 'memory/process_api/5d5d3c00/cove/web';
const V2 = 'system.slice/cove-agent.service/cove/web';

const V1_FILES = {
  [`${MEMORY}/memory.limit_in_bytes`]: '33554432\n',
  [`${MEMORY}/memory.usage_in_bytes`]: '10485760\n',
  [`${MEMORY}/memory.max_usage_in_bytes`]: '16777216\n',
  [`${MEMORY}/memory.stat`]:
    'cache 1048576\nrss 2097152\nmapped_file 0\ntotal_cache 3145728\ntotal_rss 6291456\n',
  [`${MEMORY}/memory.oom_control`]: 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n',
  'pids/cove/web/pids.max': 'max\n',
  'pids/cove/web/pids.current': '5\n',
  'cpuacct/cove/web/cpuacct.usage': '2500000999\n',
};

const V2_FILES = {
  [`${V2}/cpu.stat`]: 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n',
  [`${V2}/pids.max`]: '64\n',
  [`${V2}/pids.current`]: '7\n',
  [`${V2}/memory.max`]: 'max\n',
  [`${V2}/memory.current`]: '12582912\n',
  [`${V2}/memory.peak`]: '20971520\n',
  [`${V2}/memory.stat`]: 'anon 8388608\nfile 4194304\nkernel 65536\n',
  [`${V2}/memory.events`]: 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n',
};

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

let fs: CgroupFsFixture;
afterEach(() => fs.remove());

function v1Manager() {
  fs = new CgroupFsFixture(V1_FILES);
  return createCgroupManager({
    name: 'web',
    root: fs.root,
    readFile: procFiles(HYBRID_PROC_SELF_CGROUP, HYBRID_MOUNTINFO),
  });
}

function v2Manager() {
  fs = new CgroupFsFixture(V2_FILES);
  return createCgroupManager({
    name: 'web',
    root: fs.root,
    readFile: procFiles(UNIFIED_PROC_SELF_CGROUP, UNIFIED_MOUNTINFO),
  });
}

describe('cgroup v1 stats reader on a cgroupfs-shaped temp dir', () => {
  test('reads the same figures and OOM kill count as the manager', async () => {
    const manager = v1Manager();
    const reader = await manager.openStatsReader();
    assert.deepEqual(reader.stats(), await manager.stats());
    assert.deepEqual(reader.stats(), {
      memory: { current: 10 * MiB, limit: 32 * MiB, peak: 16 * MiB, anon: 6 * MiB, file: 3 * MiB },
      pids: { current: 5, limit: null },
      cpu: { usageUsec: 2_500_000 },
    });
    assert.equal(reader.oomKillCount(), 3);
    reader.close();
  });

  test('each reading reads the files again; the limits stay as read at open', async () => {
    const reader = await v1Manager().openStatsReader();
    reader.stats();
    fs.write(`${MEMORY}/memory.usage_in_bytes`, '1048576\n');
    fs.write(`${MEMORY}/memory.stat`, 'total_cache 0\ntotal_rss 1048576\n');
    fs.write('pids/cove/web/pids.current', '12\n');
    fs.write('cpuacct/cove/web/cpuacct.usage', '7000000000\n');
    fs.write(`${MEMORY}/memory.oom_control`, 'oom_kill_disable 0\nunder_oom 0\noom_kill 4\n');
    fs.write(`${MEMORY}/memory.limit_in_bytes`, '67108864\n');
    const stats = reader.stats();
    assert.equal(stats.memory.current, MiB);
    assert.equal(stats.memory.anon, MiB);
    assert.equal(stats.memory.file, 0);
    assert.equal(stats.pids.current, 12);
    assert.equal(stats.cpu.usageUsec, 7_000_000);
    assert.equal(reader.oomKillCount(), 4);
    assert.equal(stats.memory.limit, 32 * MiB, 'limits are written only before the start');
    reader.close();
  });

  test('a missing stats file fails the open and leaves no file open', async () => {
    const manager = v1Manager();
    rmSync(`${fs.root}/pids/cove/web/pids.current`);
    const before = openFds();
    await assert.rejects(manager.openStatsReader(), (error: unknown) => {
      assert.ok(error instanceof CgroupError);
      assert.equal(error.code, 'ENOENT');
      assert.equal(error.path, `${fs.root}/pids/cove/web/pids.current`);
      return true;
    });
    assert.equal(openFds(), before);
  });

  test('close releases every file, and a closed reader refuses to read', async () => {
    const manager = v1Manager();
    const before = openFds();
    const reader = await manager.openStatsReader();
    assert.equal(openFds(), before + 6);
    reader.close();
    reader.close();
    assert.equal(openFds(), before);
    assert.throws(() => reader.stats(), CgroupError);
  });
});

describe('cgroup v2 stats reader on a cgroupfs-shaped temp dir', () => {
  test('reads the same figures and OOM kill count as the manager', async () => {
    const manager = v2Manager();
    const reader = await manager.openStatsReader();
    assert.deepEqual(reader.stats(), await manager.stats());
    assert.deepEqual(reader.stats(), {
      memory: { current: 12 * MiB, limit: null, peak: 20 * MiB, anon: 8 * MiB, file: 4 * MiB },
      pids: { current: 7, limit: 64 },
      cpu: { usageUsec: 2_500_000 },
    });
    assert.equal(reader.oomKillCount(), 2);
    reader.close();
  });

  test('each reading reads the files again; the limits stay as read at open', async () => {
    const reader = await v2Manager().openStatsReader();
    reader.stats();
    fs.write(`${V2}/memory.current`, '2097152\n');
    fs.write(`${V2}/memory.peak`, '25165824\n');
    fs.write(`${V2}/memory.stat`, 'anon 1048576\nfile 1048576\n');
    fs.write(`${V2}/pids.current`, '9\n');
    fs.write(`${V2}/cpu.stat`, 'usage_usec 3000000\n');
    fs.write(`${V2}/memory.events`, 'oom 3\noom_kill 3\n');
    fs.write(`${V2}/pids.max`, '128\n');
    assert.deepEqual(reader.stats(), {
      memory: { current: 2 * MiB, limit: null, peak: 24 * MiB, anon: MiB, file: MiB },
      pids: { current: 9, limit: 64 },
      cpu: { usageUsec: 3_000_000 },
    });
    assert.equal(reader.oomKillCount(), 3);
    reader.close();
  });

  test('a kernel without memory.peak reads peak as null', async () => {
    const manager = v2Manager();
    rmSync(`${fs.root}/${V2}/memory.peak`);
    const reader = await manager.openStatsReader();
    assert.equal(reader.stats().memory.peak, null);
    reader.close();
  });

  test('without the memory controller the open names it', async () => {
    const manager = v2Manager();
    rmSync(`${fs.root}/${V2}/memory.max`);
    await assert.rejects(manager.openStatsReader(), /the memory controller is not enabled/);
  });
});
