import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { withImageLock } from '../src/image/image-lock.js';
import { imagePaths } from '../src/image/image-paths.js';
import { storeLayout } from '../src/store/store-layout.js';

const root = mkdtempSync(join(tmpdir(), 'cove-image-lock-'));
const paths = imagePaths(storeLayout(root));
const holders = new Set<ChildProcess>();
after(() => {
  for (const child of holders) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

// A process that takes the store's lock, says "held", and lets go when its stdin ends.
const holderScript = `
import { withImageLock } from ${JSON.stringify(new URL('../src/image/image-lock.js', import.meta.url).href)};
await withImageLock({ lock: process.env.COVE_TEST_LOCK }, async () => {
  process.stdout.write('held\\n');
  for await (const _ of process.stdin) break;
});
`;

interface Holder {
  child: ChildProcess;
  /** Resolves when the holder has the lock. */
  held: Promise<void>;
  isHolding(): boolean;
  exited: Promise<unknown>;
}

function startHolder(): Holder {
  const child = spawn(process.execPath, ['--input-type=module', '-e', holderScript], {
    env: { ...process.env, COVE_TEST_LOCK: paths.lock },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  holders.add(child);
  let holding = false;
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const held = new Promise<void>((resolve, reject) => {
    lines.once('line', (line) => {
      holding = line === 'held';
      if (holding) resolve();
      else reject(new Error(`holder said ${line}`));
    });
    void exited.then(() => reject(new Error('the holder ended without the lock')));
  });
  held.catch(() => {});
  return { child, held, isHolding: () => holding, exited };
}

async function release(holder: Holder) {
  holder.child.stdin?.end();
  await holder.exited;
}

test('two processes exclude each other: the second holds the lock only once the first lets go', async () => {
  const first = startHolder();
  await first.held;
  const second = startHolder();
  await sleep(400);
  assert.equal(second.isHolding(), false, 'the second waits while the first holds the lock');
  await release(first);
  await second.held;
  await release(second);
});

test('a lock whose holder was SIGKILLed is free at once: the kernel drops it', async () => {
  const holder = startHolder();
  await holder.held;
  holder.child.kill('SIGKILL');
  await holder.exited;
  const started = performance.now();
  await withImageLock(paths, () => {});
  assert.ok(performance.now() - started < 100, 'taken on the first try, without waiting');
});

test('the event loop keeps running while the lock is awaited', async () => {
  const holder = startHolder();
  await holder.held;
  let ticks = 0;
  const interval = setInterval(() => ticks++, 10);
  try {
    const waiting = withImageLock(paths, () => ticks);
    await sleep(300);
    await release(holder);
    const ticksWhenTaken = await waiting;
    assert.ok(ticksWhenTaken >= 15, `the interval ran ${ticksWhenTaken} times while waiting`);
  } finally {
    clearInterval(interval);
  }
});

test('two callers in one process take turns, and a nested call in the holder runs at once', async () => {
  const events: string[] = [];
  const caller = (name: string) =>
    withImageLock(paths, async () => {
      events.push(`${name} in`);
      await sleep(50);
      await withImageLock(paths, () => events.push(`${name} nested`));
      events.push(`${name} out`);
    });
  await Promise.all([caller('a'), caller('b')]);
  assert.deepEqual(events, ['a in', 'a nested', 'a out', 'b in', 'b nested', 'b out']);
});
