import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeCgroupPath } from '../src/cgroup/cgroup-files.js';

// A temp dir stands for a hierarchy: what matters is the order of the mkdirs.
test("a parent another engine's sweep removes between its mkdir and the child's is made again", async () => {
  const root = mkdtempSync(join(tmpdir(), 'cove-cgroup-path-'));
  try {
    const parent = join(root, 'cove');
    const child = join(parent, 'c1');
    let sweeps = 0;
    await makeCgroupPath([parent], child, async (made) => {
      if (sweeps++ === 0) rmdirSync(made); // the other engine's stop, at the worst moment
    });
    assert.ok(existsSync(child), 'the container cgroup exists');
    assert.equal(sweeps, 2, 'the path was made twice');

    // A parent that can never be kept is an error naming the call and path, not a loop.
    await assert.rejects(
      makeCgroupPath([parent], join(parent, 'c2'), async (made) => {
        rmSync(made, { recursive: true });
      }),
      /mkdir .*cove\/c2.*ENOENT/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
