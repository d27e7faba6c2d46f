import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { CgroupError, type CgroupManager, createCgroupManager } from '../src/cgroup/index.js';
import {
  CgroupFsFixture,
  procFiles,
  UNIFIED_MOUNTINFO,
  UNIFIED_PROC_SELF_CGROUP,
} from './support/cgroup-fs-fixture.js';

const MiB = 1024 * 1024;
const OWN = 'system.slice/cove-agent.service';
const CTR = `${OWN}/cove/web`;

const CONTAINER_FILES = {
  [`${CTR}/cgroup.procs`]: '',
  [`${CTR}/cgroup.freeze`]: '0',
  [`${CTR}/cgroup.events`]: 'populated 1\nfrozen 0\n',
  [`${CTR}/cgroup.kill`]: '',
  [`${CTR}/cpu.max`]: 'max 100000\n',
  [`${CTR}/cpu.weight`]: '100\n',
  [`${CTR}/cpu.stat`]: 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n',
  [`${CTR}/pids.max`]: 'max\n',
  [`${CTR}/pids.current`]: '7\n',
  [`${CTR}/memory.max`]: 'max\n',
  [`${CTR}/memory.swap.max`]: 'max\n',
  [`${CTR}/memory.current`]: '12582912\n',
  [`${CTR}/memory.peak`]: '20971520\n',
  [`${CTR}/memory.stat`]: 'anon 8388608\nfile 4194304\nkernel 65536\n',
  [`${CTR}/memory.events`]: 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n',
};

function hostFiles(): Record<string, string> {
  return {
    [`${OWN}/cgroup.controllers`]: 'cpuset cpu io memory pids\n',
    [`${OWN}/cgroup.subtree_control`]: '',
    [`${OWN}/cgroup.procs`]: '',
    [`${OWN}/cove/cgroup.controllers`]: 'cpu memory pids\n',
    [`${OWN}/cove/cgroup.subtree_control`]: '',
    [`${OWN}/cove/cgroup.procs`]: '',
  };
}

describe('cgroup v2 manager on a cgroupfs-shaped temp dir', () => {
  let fs: CgroupFsFixture;
  let container: CgroupManager;

  beforeEach(() => {
    fs = new CgroupFsFixture({ ...hostFiles(), ...CONTAINER_FILES });
    container = createCgroupManager({
      name: 'web',
      root: fs.root,
      readFile: procFiles(UNIFIED_PROC_SELF_CGROUP, UNIFIED_MOUNTINFO),
    });
  });
  afterEach(() => fs.remove());

  test('the container cgroup is <own cgroup>/cove/<name>', () => {
    assert.deepEqual(container.paths, [`${fs.root}/${CTR}`]);
  });

  test('create enables memory, pids and cpu for the children of each level', async () => {
    await container.create();
    assert.equal(fs.read(`${OWN}/cgroup.subtree_control`), '+memory +pids +cpu');
    assert.equal(fs.read(`${OWN}/cove/cgroup.subtree_control`), '+memory +pids +cpu');
  });

  test('limits go to memory.max, memory.swap.max, pids.max, cpu.max and cpu.weight', async () => {
    await container.apply({
      memory: 32 * MiB,
      memorySwap: 48 * MiB,
      pids: 16,
      cpus: 0.5,
      cpuShares: 512,
    });
    assert.equal(fs.read(`${CTR}/memory.max`), String(32 * MiB));
    assert.equal(fs.read(`${CTR}/memory.swap.max`), String(16 * MiB));
    assert.equal(fs.read(`${CTR}/pids.max`), '16');
    assert.equal(fs.read(`${CTR}/cpu.max`), '50000 100000');
    assert.equal(fs.read(`${CTR}/cpu.weight`), '20');
  });

  test("-m alone allows as much swap as memory (Docker's rule), and is fine without swap accounting", async () => {
    await container.apply({ memory: 32 * MiB });
    assert.equal(fs.read(`${CTR}/memory.max`), String(32 * MiB));
    assert.equal(fs.read(`${CTR}/memory.swap.max`), String(32 * MiB));
    rmSync(`${fs.root}/${CTR}/memory.swap.max`);
    await container.apply({ memory: 16 * MiB });
    assert.equal(fs.read(`${CTR}/memory.max`), String(16 * MiB));
  });

  test('limits left undefined are not written', async () => {
    await container.apply({ pids: 4 });
    assert.equal(fs.read(`${CTR}/memory.max`), 'max\n');
    assert.equal(fs.read(`${CTR}/cpu.max`), 'max 100000\n');
  });

  test('memory-swap below memory, or without it, is refused', async () => {
    await assert.rejects(
      container.apply({ memory: 64 * MiB, memorySwap: 32 * MiB }),
      /memory-swap/,
    );
    await assert.rejects(container.apply({ memorySwap: 32 * MiB }), /needs a memory limit/);
  });

  test('a limit whose controller is not enabled names the file, ENOENT and the controller', async () => {
    fs.remove();
    fs = new CgroupFsFixture({ ...hostFiles(), [`${CTR}/cgroup.procs`]: '' });
    container = createCgroupManager({
      name: 'web',
      root: fs.root,
      readFile: procFiles(UNIFIED_PROC_SELF_CGROUP, UNIFIED_MOUNTINFO),
    });
    await assert.rejects(container.apply({ memory: 32 * MiB }), (error: unknown) => {
      assert.ok(error instanceof CgroupError);
      assert.equal(error.code, 'ENOENT');
      assert.equal(
        error.message,
        `write ${fs.root}/${CTR}/memory.max: ENOENT (no such file or directory): the memory controller is not enabled for this cgroup`,
      );
      return true;
    });
    await assert.rejects(container.apply({ pids: 8 }), /the pids controller is not enabled/);
    await assert.rejects(container.apply({ cpus: 1 }), /the cpu controller is not enabled/);
  });

  test('stats parse memory, pids and cpu files', async () => {
    assert.deepEqual(await container.stats(), {
      memory: { current: 12 * MiB, limit: null, peak: 20 * MiB, anon: 8 * MiB, file: 4 * MiB },
      pids: { current: 7, limit: null },
      cpu: { usageUsec: 2_500_000 },
    });
  });

  test('a kernel without memory.peak reports peak as null', async () => {
    fs.write(`${CTR}/memory.max`, '33554432\n');
    rmSync(`${fs.root}/${CTR}/memory.peak`);
    const stats = await container.stats();
    assert.equal(stats.memory.peak, null);
    assert.equal(stats.memory.limit, 32 * MiB);
  });

  test('oomKillCount reads oom_kill from memory.events', async () => {
    assert.equal(await container.oomKillCount(), 2);
  });

  test('freeze writes cgroup.freeze and returns once cgroup.events says frozen', async () => {
    fs.write(`${CTR}/cgroup.events`, 'populated 1\nfrozen 1\n');
    await container.freeze();
    assert.equal(fs.read(`${CTR}/cgroup.freeze`), '1');
  });

  test('killAll writes cgroup.kill', async () => {
    await container.killAll();
    assert.equal(fs.read(`${CTR}/cgroup.kill`), '1');
  });

  test('addProcess writes the pid to cgroup.procs and processes reads them back', async () => {
    await container.addProcess(4242);
    assert.equal(fs.read(`${CTR}/cgroup.procs`), '4242');
    fs.write(`${CTR}/cgroup.procs`, '4242\n4243\n');
    assert.deepEqual(await container.processes(), [4242, 4243]);
  });
});

test('a parent that climbs out of the own cgroup is refused', () => {
  assert.throws(
    () =>
      createCgroupManager({
        name: 'x',
        parent: '../escape',
        setup: { mode: 'v2', mountPoint: '/sys/fs/cgroup', ownDir: '/sys/fs/cgroup' },
      }),
    /must be a relative path of plain names/,
  );
});
