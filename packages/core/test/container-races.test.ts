import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEvent } from '@cove/shared';
import { createEngine } from '../src/engine.js';

// Operations on one container are serialized: a start racing `rm -f`, or the restart
// policy's timer racing a user's `stop`, must never leave two inits, a half-removed
// container, or a container running that the user stopped. Each race runs 200 times,
// ten containers at a time.

const root = mkdtempSync(join(tmpdir(), 'cove-races-'));
const events: ContainerEvent[] = [];
const engine = createEngine({
  root,
  defaultNetwork: 'none',
  supervise: true,
  onEvent: (event) => events.push(event),
});
after(() => {
  engine.close();
  rmSync(root, { recursive: true, force: true });
});

const ROUNDS = 200;
const AT_ONCE = 10;

async function inBatches(rounds: number, round: (index: number) => Promise<void>) {
  for (let first = 0; first < rounds; first += AT_ONCE) {
    const batch = Array.from({ length: Math.min(AT_ONCE, rounds - first) }, (_, i) => first + i);
    await Promise.all(batch.map(round));
  }
}

const isAlive = (pid: number) => existsSync(`/proc/${pid}`);

function assertNothingLeft() {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  assert.equal(mounts.includes(root), false, 'no mount of the store is left');
  const containers = existsSync(engine.layout.containers)
    ? readdirSync(engine.layout.containers)
    : [];
  assert.deepEqual(containers, [], 'no container, whole or half, is left');
  assert.deepEqual(readdirSync(engine.layout.names), [], 'no name is left reserved');
}

test(`a start racing rm -f, ${ROUNDS} times: the container is gone whole, its init with it`, async () => {
  await inBatches(ROUNDS, async (index) => {
    const record = await engine.create({ image: 'busybox', command: ['sleep', '60'] });
    // Half the rounds ask in the other order.
    const removeFirst = index % 2 === 1;
    const remove = removeFirst ? engine.remove(record.id, { force: true }) : undefined;
    const start = engine.start(record.id, { kind: 'log' });
    const [started, removed] = await Promise.allSettled([
      start,
      remove ?? engine.remove(record.id, { force: true }),
    ]);
    assert.equal(removed.status, 'fulfilled', String((removed as PromiseRejectedResult).reason));
    if (started.status === 'fulfilled') {
      await started.value.exited;
      assert.equal(isAlive(started.value.pid), false, 'the init the start made is gone');
    }
    assert.throws(() => engine.inspect(record.id), /no such container/);
  });
  assertNothingLeft();
});

test(`the restart policy racing a user's stop, ${ROUNDS} times: a stopped container stays stopped`, async () => {
  const ids: string[] = [];
  await inBatches(ROUNDS, async () => {
    const running = await engine.run(
      { image: 'busybox', command: ['true'], restart: { name: 'always' } },
      { kind: 'log' },
    );
    ids.push(running.id);
    await running.exited;
    // The policy has scheduled a restart 100 ms from now, or is starting it: stop wins.
    await engine.stop(running.id, 1);
  });
  // Past every restart delay the policy could have chosen for a first exit.
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const id of ids) {
    const record = engine.inspect(id);
    assert.equal(record.state.status, 'exited', `${record.name} stays stopped`);
    assert.ok(record.state.pid === undefined || !isAlive(record.state.pid));
  }
  const startsAfterStop = events.filter((e) => e.type === 'started' && ids.includes(e.containerId));
  const perContainer = new Map<string, number>();
  for (const e of startsAfterStop)
    perContainer.set(e.containerId, (perContainer.get(e.containerId) ?? 0) + 1);
  assert.ok(
    [...perContainer.values()].every((count) => count <= 2),
    'at most the first start and one restart that ran before the stop',
  );
  await Promise.all(ids.map((id) => engine.remove(id, { force: true })));
  assertNothingLeft();
});

test('two engines sharing a store take turns on a container too (flock on its directory)', async () => {
  const other = createEngine({ root, defaultNetwork: 'none' });
  try {
    await inBatches(50, async () => {
      const record = await engine.create({ image: 'busybox', command: ['sleep', '60'] });
      // The removal lands somewhere in the middle of the start (which takes ~50 ms).
      const [started, removed] = await Promise.allSettled([
        engine.start(record.id, { kind: 'log' }),
        sleep(Math.random() * 60).then(() => other.remove(record.id, { force: true })),
      ]);
      assert.equal(removed.status, 'fulfilled', String((removed as PromiseRejectedResult).reason));
      if (started.status === 'fulfilled') {
        await started.value.exited;
        assert.equal(isAlive(started.value.pid), false, 'the init the start made is gone');
      }
    });
  } finally {
    other.close();
  }
  assertNothingLeft();
});
