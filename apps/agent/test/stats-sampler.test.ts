import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { CgroupStats, CgroupStatsReader, Engine } from '@cove/core';
import { type ContainerRecord, ContainerRecordSchema, type StatsSample } from '@cove/shared';
import { createEventBus } from '../src/server/events/event-bus.js';
import type { Logger } from '../src/server/log.js';
import { createStatsSampler } from '../src/server/stats/stats-sampler.js';

/** A reader over figures the test sets; `failing` plays a cgroup that was removed (ENODEV). */
class FakeReader implements CgroupStatsReader {
  usageUsec = 0;
  oomKills = 0;
  failing = false;
  closed = false;

  stats(): CgroupStats {
    if (this.failing || this.closed) throw new Error('read: ENODEV');
    return {
      memory: { current: 1, limit: null, peak: 1, anon: 1, file: 0 },
      pids: { current: 1, limit: null },
      cpu: { usageUsec: this.usageUsec },
    };
  }

  oomKillCount(): number {
    if (this.failing || this.closed) throw new Error('read: ENODEV');
    return this.oomKills;
  }

  close(): void {
    this.closed = true;
  }
}

const web: ContainerRecord = ContainerRecordSchema.parse({
  id: 'a'.repeat(64),
  name: 'web',
  hostname: 'web',
  createdAt: '2026-01-01T00:00:00.000Z',
  spec: { image: 'busybox' },
  args: ['sleep', '600'],
  state: { status: 'running', pid: 4242 },
});

/** A failed tick emits nothing: fail the test instead of leaving it waiting. */
const log: Logger = {
  info: () => {},
  warn: () => {},
  error: (event, fields) => assert.fail(`${event} ${JSON.stringify(fields)}`),
};

let records: ContainerRecord[];
let readers: FakeReader[];
let nextReader: () => FakeReader;
let events: ReturnType<typeof createEventBus>;
let sampler: ReturnType<typeof createStatsSampler>;
let ticks: AsyncIterator<Array<{ id: string; sample: StatsSample }>>;

beforeEach(() => {
  mock.timers.enable({ apis: ['setInterval'] });
  records = [web];
  readers = [];
  nextReader = () => new FakeReader();
  const engine = {
    reconcile: async () => {},
    list: () => records,
    openCgroupStatsReader: async () => {
      const reader = nextReader();
      readers.push(reader);
      return reader;
    },
  } as unknown as Engine;
  events = createEventBus();
  sampler = createStatsSampler(engine, events, log);
  ticks = sampler.watchAll(undefined)[Symbol.asyncIterator]();
});

afterEach(async () => {
  sampler.stop();
  await ticks.return?.();
  mock.timers.reset();
});

/** Runs the first tick (start) or the next one (a second of the interval) to its end. */
async function tick(first = false) {
  const done = ticks.next();
  if (first) sampler.start();
  else mock.timers.tick(1000);
  return (await done).value as Array<{ id: string; sample: StatsSample }>;
}

test('a running container is read through one reader, closed once it stops running', async () => {
  assert.equal((await tick(true)).length, 1);
  assert.equal((await tick()).length, 1);
  assert.equal(readers.length, 1, 'opened once');
  assert.equal(readers[0]?.closed, false);

  records = [{ ...web, state: { status: 'exited', exitCode: 0 } }];
  assert.deepEqual(await tick(), []);
  assert.equal(readers[0]?.closed, true);
  assert.equal(sampler.history(web.id).length, 2, 'the history stays for a reload');
});

test('after a failed read the next tick opens a new reader, whose counters start again', async () => {
  nextReader = () => Object.assign(new FakeReader(), { usageUsec: 5_000_000, oomKills: 3 });
  await tick(true);
  assert.equal(events.historyOf(web.id).filter((e) => e.type === 'oom').length, 1);

  // A restart: the old cgroup is gone, and the new one counts from zero.
  const old = readers[0];
  if (old) old.failing = true;
  nextReader = () => Object.assign(new FakeReader(), { usageUsec: 1_000, oomKills: 1 });
  assert.deepEqual(await tick(), [], 'no reading from a removed cgroup');
  assert.equal(old?.closed, true);

  const [reading] = await tick();
  assert.equal(readers.length, 2);
  assert.equal(reading?.sample.cpuPercent, 0, 'no CPU delta across two cgroups');
  assert.equal(
    events.historyOf(web.id).filter((e) => e.type === 'oom').length,
    2,
    "the new cgroup's OOM kill is reported though the old one had counted more",
  );
});

test('stop closes every open reader', async () => {
  records = [web, { ...web, id: 'b'.repeat(64), name: 'db' }];
  await tick(true);
  assert.equal(readers.length, 2);
  sampler.stop();
  assert.ok(readers.every((reader) => reader.closed));
});
