import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Logger } from '../src/server/log.js';
import { directoryBytes } from '../src/server/stats/directory-bytes.js';
import { createStoreUsage } from '../src/server/stats/store-usage.js';

const warnings: string[] = [];
const log: Logger = {
  info: () => {},
  warn: (event) => warnings.push(event),
  error: () => {},
};

/** A measurement the test finishes by hand, counting how many were started. */
function manualMeasure() {
  const pending: Array<{ resolve: (bytes: number) => void; reject: (error: Error) => void }> = [];
  return {
    pending,
    measure: () =>
      new Promise<number>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('the store size is measured once per interval, one measurement at a time, the last reading returned meanwhile', async () => {
  let clock = 1_000;
  const { pending, measure } = manualMeasure();
  const usage = createStoreUsage('/store', log, { refreshMs: 10_000, measure, now: () => clock });

  const first = usage.read();
  const alsoFirst = usage.read();
  assert.equal(pending.length, 1, 'callers waiting for the first measurement share it');
  clock = 1_200;
  pending[0]?.resolve(100);
  assert.deepEqual(await first, { bytes: 100, measuredAt: 1_200 });
  assert.deepEqual(await alsoFirst, { bytes: 100, measuredAt: 1_200 });

  clock = 9_000;
  assert.equal((await usage.read())?.bytes, 100);
  assert.equal(pending.length, 1, 'a recent reading is not measured again');

  clock = 11_000;
  assert.deepEqual(await usage.read(), { bytes: 100, measuredAt: 1_200 }, 'old reading, at once');
  assert.equal((await usage.read())?.bytes, 100);
  assert.equal(pending.length, 2, 'one new measurement, however many callers');
  clock = 11_500;
  pending[1]?.resolve(250);
  await settle();
  assert.deepEqual(await usage.read(), { bytes: 250, measuredAt: 11_500 });
});

test('a failed measurement keeps the last reading, is logged, and is retried after the interval', async () => {
  let clock = 0;
  const { pending, measure } = manualMeasure();
  const usage = createStoreUsage('/store', log, { refreshMs: 10_000, measure, now: () => clock });
  const never = usage.read();
  pending[0]?.reject(new Error('du: not found'));
  assert.equal(await never, undefined, 'nothing measured yet');
  assert.deepEqual(warnings, ['store.usage-failed']);
  clock = 5_000;
  assert.equal(await usage.read(), undefined);
  assert.equal(pending.length, 1, 'no retry before the interval');
  clock = 10_000;
  const retried = usage.read();
  pending[1]?.resolve(42);
  assert.equal((await retried)?.bytes, 42);
});

test('a measurement that takes long is repeated less often: a tenth of the time at most', async () => {
  let clock = 0;
  const { pending, measure } = manualMeasure();
  const usage = createStoreUsage('/store', log, { refreshMs: 10_000, measure, now: () => clock });
  const first = usage.read();
  clock = 3_000;
  pending[0]?.resolve(1);
  await first;
  clock = 29_000;
  await usage.read();
  assert.equal(pending.length, 1, 'a 3 s measurement waits 30 s for the next');
  clock = 30_000;
  await usage.read();
  assert.equal(pending.length, 2);
});

test('the walk counts the bytes under a directory as du -sxb does', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cove-store-usage-'));
  try {
    mkdirSync(join(root, 'layer', 'etc'), { recursive: true });
    writeFileSync(join(root, 'layer', 'file'), Buffer.alloc(100_000));
    writeFileSync(join(root, 'layer', 'etc', 'motd'), 'hello\n');
    linkSync(join(root, 'layer', 'file'), join(root, 'hard-link'));
    symlinkSync('layer/etc/motd', join(root, 'symlink'));
    for (let i = 0; i < 100; i++) writeFileSync(join(root, 'layer', `small-${i}`), 'x'.repeat(i));
    const du = Number(execFileSync('du', ['-sxb', root], { encoding: 'utf8' }).split('\t')[0]);
    assert.equal(await directoryBytes(root), du);
    await assert.rejects(directoryBytes(join(root, 'missing')), /ENOENT.*missing/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
