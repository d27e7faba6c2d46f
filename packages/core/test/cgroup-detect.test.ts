import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CgroupError, detectCgroupSetup } from '../src/cgroup/index.js';
import {
  HYBRID_MOUNTINFO,
  HYBRID_PROC_SELF_CGROUP,
  procFiles,
  UNIFIED_MOUNTINFO,
  UNIFIED_PROC_SELF_CGROUP,
} from './support/cgroup-fs-fixture.js';

describe('detectCgroupSetup', () => {
  test('a hybrid host is v1, with each hierarchy at the own cgroup of its controller', () => {
    const setup = detectCgroupSetup({
      readFile: procFiles(HYBRID_PROC_SELF_CGROUP, HYBRID_MOUNTINFO),
    });
    assert.deepEqual(setup, {
      mode: 'v1',
      hierarchies: [
        { controllers: ['cpu'], ownDir: '/sys/fs/cgroup/cpu' },
        { controllers: ['cpuacct'], ownDir: '/sys/fs/cgroup/cpuacct' },
        { controllers: ['memory'], ownDir: '/sys/fs/cgroup/memory/process_api/5d5d3c00' },
        { controllers: ['devices'], ownDir: '/sys/fs/cgroup/devices' },
        { controllers: ['freezer'], ownDir: '/sys/fs/cgroup/freezer' },
        { controllers: ['pids'], ownDir: '/sys/fs/cgroup/pids' },
      ],
    });
  });

  test('co-mounted cpu,cpuacct is one hierarchy carrying both controllers', () => {
    const setup = detectCgroupSetup({
      readFile: procFiles(
        '4:cpu,cpuacct:/agent\n0::/\n',
        '33 31 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n',
      ),
    });
    assert.deepEqual(setup, {
      mode: 'v1',
      hierarchies: [
        { controllers: ['cpu', 'cpuacct'], ownDir: '/sys/fs/cgroup/cpu,cpuacct/agent' },
      ],
    });
  });

  test('a pure v2 host is v2, with the own cgroup below the unified mount', () => {
    const setup = detectCgroupSetup({
      readFile: procFiles(UNIFIED_PROC_SELF_CGROUP, UNIFIED_MOUNTINFO),
    });
    assert.deepEqual(setup, {
      mode: 'v2',
      mountPoint: '/sys/fs/cgroup',
      ownDir: '/sys/fs/cgroup/system.slice/cove-agent.service',
    });
  });

  test('a mount showing a subtree (bind mount, cgroup namespace) is resolved against its root', () => {
    const setup = detectCgroupSetup({
      readFile: procFiles(
        '0::/kubepods/pod1/agent\n',
        '26 23 0:23 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n',
      ),
    });
    assert.equal(setup.mode === 'v2' && setup.ownDir, '/sys/fs/cgroup/agent');
  });

  test('the root override reads the mounts below another directory', () => {
    const setup = detectCgroupSetup({
      readFile: procFiles(HYBRID_PROC_SELF_CGROUP, HYBRID_MOUNTINFO),
      root: '/tmp/fake-cgroupfs',
    });
    assert.equal(
      setup.mode === 'v1' && setup.hierarchies[2]?.ownDir,
      '/tmp/fake-cgroupfs/memory/process_api/5d5d3c00',
    );
  });

  test('escaped characters in mount points are decoded', () => {
    const setup = detectCgroupSetup({
      readFile: procFiles('0::/\n', '26 23 0:23 / /mnt/cgroup\\040two rw - cgroup2 cgroup2 rw\n'),
    });
    assert.equal(setup.mode === 'v2' && setup.mountPoint, '/mnt/cgroup two');
  });

  test('no cgroup mount at all is an error that says what to mount', () => {
    assert.throws(
      () =>
        detectCgroupSetup({
          readFile: procFiles('0::/\n', UNIFIED_MOUNTINFO.split('\n')[0] ?? ''),
        }),
      (error: unknown) =>
        error instanceof CgroupError && /mount cgroup2 at \/sys\/fs\/cgroup/.test(error.message),
    );
  });
});
