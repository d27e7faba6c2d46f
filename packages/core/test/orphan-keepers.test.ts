import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ContainerKeeper, ContainerRecordSchema } from '@cove/shared';
import { writeRecord } from '../src/container/container-store.js';
import { endOrphanKeepers, findStoreKeepers } from '../src/container/orphan-keepers.js';
import { isSameProcessAlive } from '../src/container/process-identity.js';
import { spawnKeeper } from '../src/container/stdio-keeper.js';
import { createEngine } from '../src/engine.js';
import { koffiLibc } from '../src/libc/koffi-libc.js';
import { containerPaths, storeLayout } from '../src/store/store-layout.js';

// Real keepers (`sleep infinity` named cove-keeper) on two scratch stores: the one no
// record names is found and ended; the named one, another store's and a young one are not.

const libc = koffiLibc;

function keeperOf(store: string, containerId: string): ContainerKeeper {
  const keeper = spawnKeeper([], { store, containerId });
  assert.ok(keeper, 'a keeper was spawned');
  return keeper;
}

/** Waits until `keeper` is gone (SIGKILL is delivered at once, the exit a moment later). */
async function gone(keeper: ContainerKeeper): Promise<boolean> {
  for (let i = 0; i < 100 && isSameProcessAlive(keeper.pid, keeper.startTime); i++) {
    await sleep(10);
  }
  return !isSameProcessAlive(keeper.pid, keeper.startTime);
}

test("a keeper no record names is ended; a named one, another store's and a young one are kept", async () => {
  const root = mkdtempSync(join(tmpdir(), 'cove-orphan-keepers-'));
  const otherRoot = mkdtempSync(join(tmpdir(), 'cove-orphan-keepers-other-'));
  const layout = storeLayout(root);
  const keepers: ContainerKeeper[] = [];
  try {
    const orphan = keeperOf(root, 'a'.repeat(64));
    const named = keeperOf(root, 'b'.repeat(64));
    const elsewhere = keeperOf(otherRoot, 'c'.repeat(64));
    keepers.push(orphan, named, elsewhere);
    const record = ContainerRecordSchema.parse({
      id: 'b'.repeat(64),
      name: 'named',
      hostname: 'named',
      createdAt: new Date().toISOString(),
      spec: { image: 'busybox' },
      args: ['sleep', '30'],
      state: { status: 'running', pid: 1, pidStartTime: '1', keeper: named },
    });
    mkdirSync(containerPaths(layout, record.id).dir, { recursive: true });
    writeRecord(layout, record);

    const found = findStoreKeepers(root);
    assert.deepEqual(
      found.map((keeper) => keeper.pid).sort(),
      [orphan.pid, named.pid].sort(),
      'the store has two keepers; the other store’s is not among them',
    );
    assert.equal(found.find((keeper) => keeper.pid === orphan.pid)?.containerId, 'a'.repeat(64));

    assert.deepEqual(endOrphanKeepers(libc, layout, 60_000), [], 'too young to be an orphan');
    const ended = endOrphanKeepers(libc, layout, 0);
    assert.deepEqual(
      ended.map((keeper) => keeper.pid),
      [orphan.pid],
    );
    assert.ok(await gone(orphan), 'the orphan keeper is gone');
    assert.ok(isSameProcessAlive(named.pid, named.startTime), 'the named keeper still runs');
    assert.ok(
      isSameProcessAlive(elsewhere.pid, elsewhere.startTime),
      "the other store's still runs",
    );
  } finally {
    for (const keeper of keepers) {
      if (isSameProcessAlive(keeper.pid, keeper.startTime)) process.kill(keeper.pid, 'SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
    rmSync(otherRoot, { recursive: true, force: true });
  }
});

test("a supervising engine's first reconcile ends its store's keepers no record names", async () => {
  const root = mkdtempSync(join(tmpdir(), 'cove-orphan-keepers-engine-'));
  const orphan = keeperOf(root, 'd'.repeat(64));
  const engine = createEngine({
    root,
    supervise: true,
    defaultNetwork: 'none',
    orphanKeeperMinAgeMs: 0,
  });
  try {
    assert.ok(isSameProcessAlive(orphan.pid, orphan.startTime));
    await engine.reconcile();
    assert.ok(await gone(orphan), 'the agent-to-be ended the keeper no record names');
  } finally {
    await engine.close();
    if (isSameProcessAlive(orphan.pid, orphan.startTime)) process.kill(orphan.pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});
