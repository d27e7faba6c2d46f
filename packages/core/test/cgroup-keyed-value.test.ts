import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyedValue } from '../src/cgroup/cgroup-files.js';

const V1_MEMORY_STAT = 'cache 1048576\nrss 2097152\ntotal_cache 3145728\ntotal_rss 6291456\n';

test('keyedValue matches a whole key at the start of a line', () => {
  assert.equal(keyedValue(V1_MEMORY_STAT, 'cache'), 1048576);
  assert.equal(keyedValue(V1_MEMORY_STAT, 'rss'), 2097152);
  assert.equal(keyedValue(V1_MEMORY_STAT, 'total_rss'), 6291456);
  assert.equal(keyedValue('total_rss 5\n', 'rss'), undefined, 'rss is not total_rss');
  assert.equal(keyedValue('rss_huge 5\n', 'rss'), undefined, 'rss is not rss_huge');
});

test('keyedValue reads a last line without a newline and says undefined for a missing key', () => {
  assert.equal(keyedValue('oom 1\noom_kill 2', 'oom_kill'), 2);
  assert.equal(keyedValue('oom 1\n', 'oom_kill'), undefined);
  assert.equal(keyedValue('', 'oom_kill'), undefined);
});
