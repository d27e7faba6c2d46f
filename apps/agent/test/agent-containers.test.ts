import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ContainerEvent, LogLine, StatsSample } from '@cove/shared';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../src/server/router/root.js';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';

let agent: AgentProcess;
before(async () => {
  agent = await startAgentProcess();
});
after(async () => {
  for (const { record } of await agent.client.containers.list.query()) {
    await agent.client.containers.remove.mutate({ id: record.id, force: true });
  }
  await agent.stop();
  agent.cleanup();
});

const ticker = [
  'sh',
  '-c',
  'trap "echo got-term; exit 3" TERM; while true; do echo tick; sleep 0.2; done',
];

async function errorOf(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TRPCClientError, `not a tRPC error: ${error}`);
    return error as TRPCClientError<AppRouter>;
  }
  assert.fail('the call succeeded');
}

/** The first `count` items a subscription yields. */
function take<T>(
  subscribe: (handlers: { onData(value: T): void; onError(error: unknown): void }) => {
    unsubscribe(): void;
  },
  count: number,
  timeoutMs = 10_000,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`only ${items.length} of ${count} items arrived`));
    }, timeoutMs);
    const subscription = subscribe({
      onData(value) {
        items.push(value);
        if (items.length === count) {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(items);
        }
      },
      onError: reject,
    });
  });
}

test('system.info reports the kernel and the cgroup mode', async () => {
  const info = await agent.client.system.info.query();
  assert.equal(info.kernel, readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
  assert.ok(['v1', 'v2'].includes(info.cgroup.mode));
  assert.ok(info.cgroup.controllers.includes('memory'));
});

test('create, stop, start, pause, unpause, kill, restart and remove change the state', async () => {
  const events: ContainerEvent[] = [];
  let subscription: { unsubscribe(): void } | undefined;
  await new Promise<void>((resolve) => {
    subscription = agent.client.containers.events.subscribe(undefined, {
      onStarted: () => resolve(),
      onData: (event) => events.push(event),
    });
  });
  const created = await agent.client.containers.create.mutate({
    spec: { image: 'busybox', name: 'life', command: ticker, limits: { memory: '64m', pids: 32 } },
    start: true,
  });
  assert.equal(created.state.status, 'running');
  assert.equal(created.spec.limits.memory, 64 * 1024 * 1024);

  const stopped = await agent.client.containers.stop.mutate({ id: 'life', timeoutSeconds: 5 });
  assert.equal(stopped.state.status, 'exited');
  assert.equal(stopped.state.exitCode, 3, 'SIGTERM reached the trap, which exited 3');

  assert.equal(
    (await agent.client.containers.start.mutate({ id: 'life' })).state.status,
    'running',
  );
  assert.equal((await agent.client.containers.pause.mutate({ id: 'life' })).state.status, 'paused');
  assert.equal(
    (await agent.client.containers.unpause.mutate({ id: 'life' })).state.status,
    'running',
  );
  const restarted = await agent.client.containers.restart.mutate({ id: 'life', timeoutSeconds: 5 });
  assert.equal(restarted.state.status, 'running');
  assert.ok((restarted.state.restartCount ?? 0) >= 1);

  await agent.client.containers.kill.mutate({ id: 'life', signal: 'KILL' });
  await waitFor(
    async () =>
      (await agent.client.containers.inspect.query({ id: 'life' })).state.status === 'exited',
  );
  assert.equal((await agent.client.containers.inspect.query({ id: 'life' })).state.exitCode, 137);

  await agent.client.containers.remove.mutate({ id: 'life' });
  const error = await errorOf(agent.client.containers.inspect.query({ id: 'life' }));
  assert.equal(error.data?.code, 'NOT_FOUND');
  await waitFor(() => events.some((e) => e.type === 'removed'));
  subscription?.unsubscribe();
  const types = events.filter((e) => e.name === 'life').map((e) => e.type);
  for (const type of ['created', 'started', 'died', 'paused', 'unpaused', 'removed'] as const) {
    assert.ok(types.includes(type), `no ${type} event in ${types.join(',')}`);
  }
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('bad input gets a clear typed error and creates nothing', async () => {
  const before = (await agent.client.containers.list.query()).length;
  const wrongType = await errorOf(
    agent.client.containers.create.mutate({
      spec: { image: 42 as unknown as string },
      start: true,
    }),
  );
  assert.equal(wrongType.data?.code, 'BAD_REQUEST');
  const badSize = await errorOf(
    agent.client.containers.create.mutate({
      spec: { image: 'busybox', limits: { memory: '12xb' } },
      start: true,
    }),
  );
  assert.equal(badSize.data?.code, 'BAD_REQUEST');
  assert.match(badSize.message, /12xb/);
  const noImage = await errorOf(
    agent.client.containers.create.mutate({ spec: { image: 'no-such-image' }, start: true }),
  );
  assert.match(noImage.message, /no-such-image/);
  const unknown = await errorOf(agent.client.containers.stop.mutate({ id: 'nobody' }));
  assert.equal(unknown.data?.code, 'NOT_FOUND');
  const badCommand = await errorOf(
    agent.client.containers.create.mutate({
      spec: { image: 'busybox', command: ['/nope'] },
      start: true,
    }),
  );
  assert.match(badCommand.message, /\/nope/);
  assert.equal(
    (await agent.client.containers.list.query()).length,
    before,
    'nothing was left behind',
  );
});

test('stats history fills every second and matches the cgroup; a subscription streams it', async () => {
  const created = await agent.client.containers.create.mutate({
    spec: { image: 'busybox', name: 'graph', command: ticker, limits: { memory: '64m', pids: 32 } },
    start: true,
  });
  const samples = await take<StatsSample>(
    (handlers) => agent.client.stats.watch.subscribe({ id: 'graph' }, handlers),
    3,
  );
  assert.equal(samples[2]?.memory.limit, 64 * 1024 * 1024);
  assert.equal(samples[2]?.pids.limit, 32);
  assert.ok((samples[2]?.pids.current ?? 0) >= 1);
  const history = await agent.client.stats.history.query({ id: 'graph' });
  assert.ok(history.length >= 3, `history holds ${history.length} samples`);
  const memoryDir =
    created.cgroupPaths.find((p) => p.includes('/memory/')) ?? created.cgroupPaths[0] ?? '';
  const file = created.cgroupPaths.length > 1 ? 'memory.usage_in_bytes' : 'memory.current';
  const kernel = Number(readFileSync(join(memoryDir, file), 'utf8'));
  const latest = history.at(-1)?.memory.current ?? 0;
  assert.ok(
    Math.abs(latest - kernel) <= kernel * 0.5 + 256 * 1024,
    `graph ${latest} vs kernel ${kernel}`,
  );
  const listed = (await agent.client.containers.list.query()).find(
    (c) => c.record.name === 'graph',
  );
  assert.ok(listed?.stats, 'the list carries the latest sample');
  await agent.client.containers.remove.mutate({ id: 'graph', force: true });
});

test('logs replay the backlog and follow new lines', async () => {
  await agent.client.containers.create.mutate({
    spec: {
      image: 'busybox',
      name: 'talker',
      command: ['sh', '-c', 'echo first; sleep 1; echo second; sleep 100'],
    },
    start: true,
  });
  const lines = await take<LogLine>(
    (handlers) => agent.client.containers.logs.subscribe({ id: 'talker', tail: 10 }, handlers),
    2,
  );
  assert.deepEqual(
    lines.map((l) => l.text),
    ['first', 'second'],
  );
  await agent.client.containers.remove.mutate({ id: 'talker', force: true });
});

test('a restart policy brings a failing container back, up to its limit', async () => {
  await agent.client.containers.create.mutate({
    spec: {
      image: 'busybox',
      name: 'flaky',
      command: ['sh', '-c', 'exit 1'],
      restart: { name: 'on-failure', maxRetries: 2 },
    },
    start: true,
  });
  await waitFor(async () => {
    const record = await agent.client.containers.inspect.query({ id: 'flaky' });
    return record.state.status === 'exited' && record.state.restartCount === 2;
  }, 15_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const record = await agent.client.containers.inspect.query({ id: 'flaky' });
  assert.equal(record.state.restartCount, 2, 'no third restart');
  assert.equal(record.state.exitCode, 1);
  await agent.client.containers.remove.mutate({ id: 'flaky', force: true });
});

test('a log past 10 MB is rotated: one older generation kept, the live file small again', async () => {
  const record = await agent.client.containers.create.mutate({
    spec: {
      image: 'busybox',
      name: 'chatty',
      command: [
        'sh',
        '-c',
        'head -c 12000000 /dev/zero | tr "\\0" x; echo; while true; do echo after-rotation; sleep 0.3; done',
      ],
    },
    start: true,
  });
  const log = join(agent.root, 'containers', record.id, 'container.log');
  await waitFor(() => existsSync(`${log}.1`), 60_000);
  assert.ok(statSync(`${log}.1`).size > 10 * 1024 * 1024);
  await waitFor(() => readFileSync(log, 'utf8').includes('after-rotation'), 60_000);
  assert.ok(statSync(log).size < 10 * 1024 * 1024);
  await agent.client.containers.remove.mutate({ id: 'chatty', force: true });
});
