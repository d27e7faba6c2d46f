import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine, PullProgress } from '@cove/shared';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../src/server/router/root.js';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';
import {
  type LoopbackRegistry,
  manifestDigest,
  pushTestImage,
  startLoopbackRegistry,
  startSlowProxy,
  unusedLoopbackPort,
} from './support/loopback-registry.js';

let agent: AgentProcess;
let registry: LoopbackRegistry;
const closers: Array<() => Promise<void>> = [];
const paddingBytes = 6 * 1024 * 1024;

before(async () => {
  registry = await startLoopbackRegistry();
  await Promise.all([
    pushTestImage(registry.host, 'cove/pulled:1', { marker: 'from-the-registry', paddingBytes }),
    pushTestImage(registry.host, 'cove/twice:1', { marker: 'twice' }),
    pushTestImage(registry.host, 'cove/slow:1', { marker: 'slow', paddingBytes }),
  ]);
  agent = await startAgentProcess();
});

after(async () => {
  if (agent) {
    for (const { record } of await agent.client.containers.list.query()) {
      await agent.client.containers.remove.mutate({ id: record.id, force: true });
    }
    await agent.stop();
    agent.cleanup();
  }
  for (const close of closers) await close();
  await registry?.stop();
});

type PullInput = { reference: string; insecure?: boolean };

/** Every progress event of a pull, once the agent ends the subscription; its error if not. */
function pull(input: PullInput, timeoutMs = 60_000): Promise<PullProgress[]> {
  return new Promise((resolve, reject) => {
    const events: PullProgress[] = [];
    const timer = setTimeout(() => {
      reject(new Error(`the pull did not end in ${timeoutMs} ms: ${JSON.stringify(events)}`));
      subscription.unsubscribe(); // after: unsubscribing calls onComplete
    }, timeoutMs);
    const subscription = agent.client.images.pull.subscribe(input, {
      onData: (progress) => events.push(progress),
      onError: (error) => {
        clearTimeout(timer);
        reject(error);
      },
      onComplete: () => {
        clearTimeout(timer);
        resolve(events);
      },
    });
  });
}

async function pullError(input: PullInput): Promise<TRPCClientError<AppRouter>> {
  try {
    await pull(input);
  } catch (error) {
    assert.ok(error instanceof TRPCClientError, `not a tRPC error: ${error}`);
    return error as TRPCClientError<AppRouter>;
  }
  assert.fail(`pulling ${input.reference} succeeded`);
}

async function imageReferences(): Promise<string[]> {
  return (await agent.client.images.list.query()).map((image) => image.reference);
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Staging directories a pull leaves in the store's tmp while it works. */
function pullStaging(): string[] {
  const tmp = join(agent.root, 'tmp');
  return existsSync(tmp) ? readdirSync(tmp).filter((name) => /^(pull|layer)-/.test(name)) : [];
}

test('a pull streams its progress, ends with done, and the image is listed and runs', async (t) => {
  const reference = `${registry.host}/cove/pulled:1`;
  const started = Date.now();
  const events = await pull({ reference, insecure: true });
  t.diagnostic(
    `pull took ${Date.now() - started} ms, ${events.length} events; the done events: ${JSON.stringify(events.filter((e) => e.phase === 'done'))}`,
  );

  const phases = events.map((e) => e.phase).filter((phase, i, all) => phase !== all[i - 1]);
  assert.deepEqual(phases.slice(0, 4), ['resolving', 'downloading', 'extracting', 'done']);
  const downloading = events.filter((e) => e.phase === 'downloading');
  assert.ok(downloading.length >= 3, `${downloading.length} download events for a 6 MB layer`);
  const total = downloading[0]?.totalBytes ?? 0;
  assert.ok(total >= paddingBytes, `the total (${total}) is known from the start`);
  assert.ok(
    downloading.every(
      (e, i) => e.totalBytes === total && e.bytes >= (downloading[i - 1]?.bytes ?? 0),
    ),
    'the bytes only grow, towards a fixed total',
  );
  assert.equal(downloading.at(-1)?.bytes, total, 'every byte was counted');
  const done = events.find((e) => e.phase === 'done');
  assert.deepEqual(
    { bytes: done?.bytes, totalBytes: done?.totalBytes },
    { bytes: total, totalBytes: total },
  );

  const listed = (await agent.client.images.list.query()).find((i) => i.reference === reference);
  assert.ok(listed, `images.list shows ${reference}`);
  assert.equal(listed.digest, await manifestDigest(registry.host, 'cove/pulled', '1'));
  assert.ok(listed.sizeBytes >= paddingBytes, `its size (${listed.sizeBytes}) counts its layer`);

  const created = await agent.client.containers.create.mutate({
    spec: { image: reference, name: 'from-registry' },
    start: true,
  });
  assert.equal(created.state.status, 'running');
  assert.deepEqual(
    created.args,
    ['sh', '-c', 'cat /marker; exec sleep 1000'],
    "the image's command",
  );
  const firstLine = await new Promise<string>((resolve, reject) => {
    const subscription = agent.client.containers.logs.subscribe(
      { id: 'from-registry' },
      {
        onData: (line: LogLine) => {
          resolve(line.text);
          subscription.unsubscribe();
        },
        onError: reject,
      },
    );
  });
  assert.match(firstLine, /from-the-registry/, 'the container printed the marker from the image');
  const pid = created.state.pid ?? 0;
  assert.equal(readFileSync(`/proc/${pid}/root/marker`, 'utf8'), 'from-the-registry\n');
  await waitFor(
    () => readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\u00001000\u0000',
    "the image's command going on to sleep",
  );
  await agent.client.containers.remove.mutate({ id: 'from-registry', force: true });

  const again = await pull({ reference, insecure: true });
  assert.ok(
    !again.some((e) => e.phase === 'downloading'),
    'a second pull downloads no layer again',
  );
  assert.equal(again.at(-1)?.phase, 'done');
});

test('two clients pulling the same image at once both finish, and it is stored once', async () => {
  const reference = `${registry.host}/cove/twice:1`;
  const [first, second] = await Promise.all([
    pull({ reference, insecure: true }),
    pull({ reference, insecure: true }),
  ]);
  assert.equal(first.at(-1)?.phase, 'done');
  assert.equal(second.at(-1)?.phase, 'done');
  assert.equal((await imageReferences()).filter((r) => r === reference).length, 1);
});

test('leaving a pull half way cancels the download and leaves no image; the next pull works', async (t) => {
  const proxy = await startSlowProxy(registry.host, 1024 * 1024);
  closers.push(proxy.close);
  const reference = `${proxy.host}/cove/slow:1`;
  const seen: PullProgress[] = [];
  await new Promise<void>((resolve, reject) => {
    const subscription = agent.client.images.pull.subscribe(
      { reference, insecure: true },
      {
        onData: (progress) => {
          seen.push(progress);
          if (progress.phase === 'downloading' && progress.bytes > 0) {
            resolve(); // first: unsubscribing calls onComplete
            subscription.unsubscribe();
          }
        },
        onError: reject,
        onComplete: () =>
          reject(new Error(`the pull ended before it was left: ${JSON.stringify(seen)}`)),
      },
    );
  });
  await waitFor(
    () => proxy.counters.blobDownloadsAbandoned === 1,
    'the agent hanging up on the download',
  );
  const sent = proxy.counters.blobBytesSent;
  t.diagnostic(
    `the left pull had downloaded ${sent} of the layer's ${seen.at(-1)?.totalBytes} bytes`,
  );
  assert.ok(sent < paddingBytes, `only ${sent} bytes were sent before the pull was left`);
  await waitFor(() => pullStaging().length === 0, 'the staging directory being removed');
  assert.ok(!(await imageReferences()).includes(reference), 'no image from the left pull');
  await sleep(1000);
  assert.equal(proxy.counters.blobBytesSent, sent, 'nothing more was downloaded');

  // The same layers straight from the registry: what the left pull had begun is no obstacle.
  const events = await pull({ reference: `${registry.host}/cove/slow:1`, insecure: true });
  assert.equal(events.at(-1)?.phase, 'done');
  assert.ok((await imageReferences()).includes(`${registry.host}/cove/slow:1`));
});

test('an empty reference is refused as BAD_REQUEST before anything starts', async () => {
  const error = await pullError({ reference: '' });
  assert.equal(error.data?.code, 'BAD_REQUEST');
});

test('a malformed reference is a BAD_REQUEST that says what is wrong with it', async () => {
  const error = await pullError({ reference: `${registry.host}/Not/Lower:1`, insecure: true });
  assert.match(error.message, /invalid image reference ".*Not\/Lower:1"/);
  assert.equal(error.data?.code, 'BAD_REQUEST', `${error.data?.code}: ${error.message}`);
});

test('an image the registry lacks is NOT_FOUND, naming it', async () => {
  const before = await imageReferences();
  const error = await pullError({ reference: `${registry.host}/cove/missing:1`, insecure: true });
  assert.match(error.message, /cove\/missing:1 not found/);
  assert.equal(error.data?.code, 'NOT_FOUND', `${error.data?.code}: ${error.message}`);
  assert.deepEqual(await imageReferences(), before, 'nothing was stored');
  assert.deepEqual(pullStaging(), [], 'nothing was left in the store');
});

test('a registry that does not answer is a typed client error naming it, not an internal one', async () => {
  const host = `127.0.0.1:${await unusedLoopbackPort()}`;
  const error = await pullError({ reference: `${host}/cove/app:1`, insecure: true });
  assert.match(error.message, new RegExp(`${host}.*(ECONNREFUSED|refused)`));
  assert.notEqual(
    error.data?.code,
    'INTERNAL_SERVER_ERROR',
    `got ${error.data?.code}: ${error.message}`,
  );
});

test('plain HTTP to a registry off this machine is refused as BAD_REQUEST', async () => {
  const error = await pullError({ reference: 'registry.example.com/app:1', insecure: true });
  assert.match(error.message, /only allowed for a registry on this machine/);
  assert.equal(error.data?.code, 'BAD_REQUEST', `${error.data?.code}: ${error.message}`);
});
