import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuQuotaUsec, cpuSharesToWeight } from '../src/cgroup/cpu-quota.js';
import { cpuPercent } from '../src/cgroup/index.js';

test('cpuPercent is usage over wall time, in percent of one core', () => {
  assert.equal(cpuPercent(1_000_000, 1_500_000, 1000), 50);
  assert.equal(cpuPercent(0, 4_000_000, 2000), 200);
  assert.equal(cpuPercent(5, 5, 0), 0);
});

test('cpus become a quota per 100 ms period', () => {
  assert.equal(cpuQuotaUsec(0.5), 50_000);
  assert.equal(cpuQuotaUsec(1.5), 150_000);
});

test('cpu shares map onto v2 weight the way runc maps them', () => {
  assert.equal(cpuSharesToWeight(2), 1);
  assert.equal(cpuSharesToWeight(1024), 39);
  assert.equal(cpuSharesToWeight(262144), 10000);
});
