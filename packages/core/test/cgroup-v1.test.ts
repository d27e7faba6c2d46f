import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { CgroupError, type CgroupManager, createCgroupManager } from '../src/cgroup/index.js';
import {
  CgroupFsFixture,
  HYBRID_MOUNTINFO,
  HYBRID_PROC_SELF_CGROUP,
  procFiles,
} from './support/cgroup-fs-fixture.js';

const MiB = 1024 * 1024;
const UNLIMITED = '9223372036854771712\n';
const MEMORY = 'memory/process_api/5d5d3c00/cove/web';

const FILES = {
  [`${MEMORY}/cgroup.procs`]: '',
  [`${MEMORY}/memory.limit_in_bytes`]: UNLIMITED,
  [`${MEMORY}/memory.memsw.limit_in_bytes`]: UNLIMITED,
  [`${MEMORY}/memory.usage_in_bytes`]: '10485760\n',
  [`${MEMORY}/memory.max_usage_in_bytes`]: '16777216\n',
  [`${MEMORY}/memory.stat`]:
    'cache 1048576\nrss 2097152\nmapped_file 0\ntotal_cache 3145728\ntotal_rss 6291456\n',
  [`${MEMORY}/memory.oom_control`]: 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n',
  'pids/cove/web/cgroup.procs': '',
  'pids/cove/web/pids.max': 'max\n',
  'pids/cove/web/pids.current': '5\n',
  'cpu/cove/web/cgroup.procs': '',
  'cpu/cove/web/cpu.cfs_period_us': '100000\n',
  'cpu/cove/web/cpu.cfs_quota_us': '-1\n',
  'cpu/cove/web/cpu.shares': '1024\n',
  'cpuacct/cove/web/cgroup.procs': '',
  'cpuacct/cove/web/cpuacct.usage': '2500000999\n',
  'devices/cove/web/cgroup.procs': '',
  'devices/cove/web/devices.deny': '',
  'devices/cove/web/devices.allow': '',
  'freezer/cove/web/cgroup.procs': '',
  'freezer/cove/web/freezer.state': 'THAWED\n',
};

describe('cgroup v1 manager on a cgroupfs-shaped temp dir', () => {
  let fs: CgroupFsFixture;
  let container: CgroupManager;

  function managerFor(mountinfo = HYBRID_MOUNTINFO): CgroupManager {
    return createCgroupManager({
      name: 'web',
      root: fs.root,
      readFile: procFiles(HYBRID_PROC_SELF_CGROUP, mountinfo),
    });
  }

  beforeEach(() => {
    fs = new CgroupFsFixture(FILES);
    container = managerFor();
  });
  afterEach(() => fs.remove());

  test('the container has a cgroup below the own cgroup of each hierarchy', () => {
    assert.deepEqual(container.paths, [
      `${fs.root}/cpu/cove/web`,
      `${fs.root}/cpuacct/cove/web`,
      `${fs.root}/${MEMORY}`,
      `${fs.root}/devices/cove/web`,
      `${fs.root}/freezer/cove/web`,
      `${fs.root}/pids/cove/web`,
    ]);
  });

  test('limits go to limit_in_bytes, memsw, pids.max, cfs quota/period and shares', async () => {
    await container.apply({
      memory: 32 * MiB,
      memorySwap: 48 * MiB,
      pids: 16,
      cpus: 1.5,
      cpuShares: 512,
    });
    assert.equal(fs.read(`${MEMORY}/memory.limit_in_bytes`), String(32 * MiB));
    assert.equal(fs.read(`${MEMORY}/memory.memsw.limit_in_bytes`), String(48 * MiB));
    assert.equal(fs.read('pids/cove/web/pids.max'), '16');
    assert.equal(fs.read('cpu/cove/web/cpu.cfs_period_us'), '100000');
    assert.equal(fs.read('cpu/cove/web/cpu.cfs_quota_us'), '150000');
    assert.equal(fs.read('cpu/cove/web/cpu.shares'), '512');
  });

  test("-m alone allows as much swap as memory (Docker's rule), and is fine without swap accounting", async () => {
    await container.apply({ memory: 32 * MiB });
    assert.equal(fs.read(`${MEMORY}/memory.limit_in_bytes`), String(32 * MiB));
    assert.equal(fs.read(`${MEMORY}/memory.memsw.limit_in_bytes`), String(64 * MiB));
    rmSync(`${fs.root}/${MEMORY}/memory.memsw.limit_in_bytes`);
    await container.apply({ memory: 16 * MiB });
    assert.equal(fs.read(`${MEMORY}/memory.limit_in_bytes`), String(16 * MiB));
  });

  test('memory-swap on a kernel without swap accounting names the missing feature', async () => {
    rmSync(`${fs.root}/${MEMORY}/memory.memsw.limit_in_bytes`);
    await assert.rejects(
      container.apply({ memory: 32 * MiB, memorySwap: 64 * MiB }),
      (error: unknown) =>
        error instanceof CgroupError &&
        error.code === 'ENOENT' &&
        /memory\.memsw\.limit_in_bytes: ENOENT .*does not account swap/.test(error.message),
    );
  });

  test('a limit on a controller with no mounted hierarchy names the controller', async () => {
    const withoutPids = HYBRID_MOUNTINFO.split('\n')
      .filter((line) => !line.includes('rw,pids'))
      .join('\n');
    container = managerFor(withoutPids);
    await assert.rejects(container.apply({ pids: 16 }), /the pids controller is not mounted/);
  });

  test('stats parse usage, limit, max usage, total_rss/total_cache, pids and cpuacct', async () => {
    fs.write(`${MEMORY}/memory.limit_in_bytes`, '33554432\n');
    assert.deepEqual(await container.stats(), {
      memory: { current: 10 * MiB, limit: 32 * MiB, peak: 16 * MiB, anon: 6 * MiB, file: 3 * MiB },
      pids: { current: 5, limit: null },
      cpu: { usageUsec: 2_500_000 },
    });
  });

  test('stats of a cgroup that is gone fail with the file read and ENOENT', async () => {
    rmSync(`${fs.root}/${MEMORY}/memory.stat`);
    await assert.rejects(container.stats(), (error: unknown) => {
      assert.ok(error instanceof CgroupError);
      assert.equal(error.code, 'ENOENT');
      assert.equal(error.path, `${fs.root}/${MEMORY}/memory.stat`);
      assert.match(error.message, /^read .*memory\.stat: ENOENT \(no such file or directory\)$/);
      return true;
    });
  });

  test('oomKillCount reads the oom_kill line of memory.oom_control', async () => {
    assert.equal(await container.oomKillCount(), 3);
  });

  test('freeze writes FROZEN to freezer.state and thaw writes THAWED', async () => {
    await container.freeze();
    assert.equal(fs.read('freezer/cove/web/freezer.state'), 'FROZEN');
    await container.thaw();
    assert.equal(fs.read('freezer/cove/web/freezer.state'), 'THAWED');
  });

  test('the device policy denies everything, then allows each rule: one rule per write', async () => {
    await container.restrictDevices([
      { type: 'c', major: 1, minor: 3, access: 'rwm' },
      { type: 'b', major: null, minor: null, access: 'm' },
    ]);
    assert.equal(fs.read('devices/cove/web/devices.deny'), 'a');
    // The fixture keeps only the last write; the kernel applies each in turn.
    assert.equal(fs.read('devices/cove/web/devices.allow'), 'b *:* m');
  });

  test('addProcess writes the pid into every hierarchy', async () => {
    await container.addProcess(4242);
    for (const path of container.paths) {
      assert.equal(fs.read(`${path.slice(fs.root.length + 1)}/cgroup.procs`), '4242');
    }
  });

  test('addProcess tries every hierarchy and then reports the one that failed', async () => {
    rmSync(`${fs.root}/pids/cove/web`, { recursive: true });
    await assert.rejects(container.addProcess(4242), (error: unknown) => {
      assert.ok(error instanceof CgroupError);
      assert.equal(error.path, `${fs.root}/pids/cove/web/cgroup.procs`);
      assert.equal(error.code, 'ENOENT');
      return true;
    });
    for (const path of container.paths.filter((p) => !p.includes('/pids/'))) {
      assert.equal(fs.read(`${path.slice(fs.root.length + 1)}/cgroup.procs`), '4242');
    }
  });

  test('create makes the cgroup and its parents in every hierarchy; remove takes them away', async () => {
    const db = createCgroupManager({
      name: 'db',
      parent: 'cove/team',
      root: fs.root,
      readFile: procFiles(HYBRID_PROC_SELF_CGROUP, HYBRID_MOUNTINFO),
    });
    await db.create();
    for (const path of db.paths) assert.ok(existsSync(path), `${path} was made`);
    await db.remove();
    for (const path of db.paths) {
      assert.ok(!existsSync(path), `${path} was removed`);
      assert.ok(!existsSync(dirname(path)), `its empty parent ${dirname(path)} was removed`);
      assert.ok(existsSync(dirname(dirname(path))), 'the parent shared with web stays');
    }
  });
});
