import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { readRecord, writeRecord } from '../src/container/container-store.js';
import { isSameProcessAlive } from '../src/container/process-identity.js';
import { securityStore } from './support/security-containers.js';

// `rm` marks the record `removing` before it kills or deletes anything. These tests play
// an engine that died right after that mark, with the container still running.
const store = securityStore('removing');
const { engine } = store;
before(() => store.craftImage('busybox', () => {}));
after(() => {
  store.assertNothingLeft();
  store.cleanup();
});

/** A running container whose record says an `rm -f` began and never finished. */
async function cutShortRemoval() {
  const running = await engine.run(
    { image: 'busybox', command: ['sleep', '600'] },
    { kind: 'log' },
  );
  const record = engine.inspect(running.id);
  writeRecord(engine.layout, { ...record, state: { ...record.state, status: 'removing' } });
  return { running, record };
}

test('a container being removed can neither start nor be exec’d into', async () => {
  const { running, record } = await cutShortRemoval();
  assert.equal(engine.inspect(record.id).state.status, 'removing', 'listed as removing');
  await assert.rejects(engine.start(record.id), /is already removing/);
  await assert.rejects(
    engine.exec(record.id, { args: ['true'] }),
    /is not running \(it is removing\)/,
  );
  await engine.remove(record.id);
  assert.equal(await running.exited, 137);
});

test('the next engine finishes a removal cut short: process, cgroup and files all go', async () => {
  const { running, record } = await cutShortRemoval();
  const { pid, pidStartTime } = record.state;
  await engine.reconcile();
  assert.equal(readRecord(engine.layout, record.id), undefined, 'the record is gone');
  assert.equal(isSameProcessAlive(pid ?? 0, pidStartTime), false, 'PID 1 was killed');
  for (const path of record.cgroupPaths) assert.equal(existsSync(path), false, `${path} removed`);
  await running.exited;
});
