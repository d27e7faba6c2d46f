import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ProcessEvent } from '@cove/shared';
import { TRPCClientError } from '@trpc/client';
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

type Handlers = {
  onData(event: ProcessEvent): void;
  onError(error: unknown): void;
  onComplete(): void;
};

/** Every event of an attached process until the agent completes the stream (or fails it). */
function events(
  subscribe: (handlers: Handlers) => { unsubscribe(): void },
  onEvent: (event: ProcessEvent) => void = () => {},
): Promise<ProcessEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: ProcessEvent[] = [];
    subscribe({
      onData: (event) => {
        seen.push(event);
        onEvent(event);
      },
      onError: reject,
      onComplete: () => resolve(seen),
    });
  });
}

const output = (seen: ProcessEvent[], stream: 'stdout' | 'stderr') =>
  seen
    .flatMap((e) => (e.type === 'output' && e.stream === stream ? [e.data] : []))
    .map((data) => Buffer.from(data, 'base64').toString('utf8'))
    .join('');

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TRPCClientError, `not a tRPC error: ${error}`);
    return error.data?.code;
  }
  assert.fail('the call succeeded');
}

test('runAttached: started, each stream apart, stdin through writeStdin, then the exit code', async () => {
  const seen = await events(
    (handlers) =>
      agent.client.containers.runAttached.subscribe(
        {
          spec: { image: 'busybox', command: ['sh', '-c', 'cat; echo to-err >&2; exit 7'] },
          stdin: true,
        },
        handlers,
      ),
    (event) => {
      if (event.type !== 'started' || !event.stdinId) return;
      const { stdinId } = event;
      void agent.client.containers.writeStdin
        .mutate({ stdinId, data: Buffer.from('piped in\n').toString('base64') })
        .then(() => agent.client.containers.writeStdin.mutate({ stdinId, end: true }));
    },
  );
  assert.equal(seen[0]?.type, 'started');
  assert.equal(output(seen, 'stdout'), 'piped in\n');
  assert.equal(output(seen, 'stderr'), 'to-err\n');
  assert.deepEqual(seen.at(-1), { type: 'exit', exitCode: 7 });
  const started = seen[0]?.type === 'started' ? seen[0].id : '';
  const record = await agent.client.containers.inspect.query({ id: started });
  assert.equal(record.state.exitCode, 7, 'the record agrees');
  await agent.client.containers.remove.mutate({ id: started });
});

test('exec: output and exit code of a command in a running container; wait returns the exit code', async () => {
  const record = await agent.client.containers.create.mutate({
    spec: { image: 'busybox', name: 'host', command: ['sleep', '300'] },
    start: true,
  });
  const seen = await events((handlers) =>
    agent.client.containers.exec.subscribe(
      { id: 'host', args: ['sh', '-c', 'echo $HOSTNAME; echo oops >&2; exit 3'] },
      handlers,
    ),
  );
  assert.equal(output(seen, 'stdout'), `${record.hostname}\n`);
  assert.equal(output(seen, 'stderr'), 'oops\n');
  assert.deepEqual(seen.at(-1), { type: 'exit', exitCode: 3 });
  const waiting = agent.client.containers.wait.mutate({ id: 'host' });
  await agent.client.containers.kill.mutate({ id: 'host', signal: 'KILL' });
  assert.deepEqual(await waiting, { exitCode: 137 });
  await agent.client.containers.remove.mutate({ id: 'host' });
});

test('bad input to the stream procedures: typed errors, and nothing left behind', async () => {
  const { containers } = agent.client;
  const fail = (subscribe: (handlers: Handlers) => { unsubscribe(): void }) => events(subscribe);
  assert.equal(
    await codeOf(
      fail((h) => containers.runAttached.subscribe({ spec: { image: 'no-such-image' } }, h)),
    ),
    'NOT_FOUND',
  );
  assert.equal(
    await codeOf(
      fail((h) => containers.runAttached.subscribe({ spec: { image: 42 } } as never, h)),
    ),
    'BAD_REQUEST',
  );
  assert.equal(
    await codeOf(fail((h) => containers.exec.subscribe({ id: 'nobody', args: ['true'] }, h))),
    'NOT_FOUND',
  );
  assert.equal(
    await codeOf(fail((h) => containers.exec.subscribe({ id: 'nobody', args: [] }, h))),
    'BAD_REQUEST',
  );
  assert.equal(
    await codeOf(containers.writeStdin.mutate({ stdinId: 'f'.repeat(32), data: '' })),
    'BAD_REQUEST',
    'a stdin nobody reads',
  );
  assert.equal(await codeOf(containers.writeStdin.mutate({ stdinId: 'not-an-id' })), 'BAD_REQUEST');
  assert.equal(
    await codeOf(
      containers.writeStdin.mutate({ stdinId: 'f'.repeat(32), data: 'A'.repeat(800_000) }),
    ),
    'BAD_REQUEST',
    'more than 512 KiB of input in one call',
  );
  assert.equal(
    await codeOf(
      containers.writeStdin.mutate({ stdinId: 'f'.repeat(32), data: 'A'.repeat(1_100_000) }),
    ),
    'PAYLOAD_TOO_LARGE',
    'a body over the 1 MB limit is refused before it is parsed',
  );
  assert.equal(await codeOf(containers.wait.mutate({ id: 'nobody' })), 'NOT_FOUND');
  assert.deepEqual(await containers.list.query(), [], 'no container was left half-made');
});
