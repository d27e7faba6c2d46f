import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';

// The case is 1 GiB at 4 MB/s, four minutes; far too slow for a test. These
// limits are short so the mechanism is tested in seconds: an upload is dropped after
// 1.5 s without a byte, any other request after 2 s without arriving whole.
const uploadStallMs = 1500;
const requestTimeoutMs = 2000;

let agent: AgentProcess;
let work: string;
let tarball: Buffer;
before(async () => {
  agent = await startAgentProcess(undefined, [], { uploadStallMs, requestTimeoutMs });
  work = mkdtempSync(join(tmpdir(), 'cove-upload-stall-'));
  tarball = readFileSync(rootfsTarball());
});
after(async () => {
  await agent.stop();
  agent.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** A minimal root filesystem tarball: a static busybox and sh, about 2 MB. */
function rootfsTarball(): string {
  const rootfs = join(work, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  symlinkSync('busybox', join(rootfs, 'bin', 'sh'));
  const file = join(work, 'rootfs.tar');
  execFileSync('tar', ['-C', rootfs, '-cf', file, '.']);
  return file;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a failure saying `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface Answer {
  status: number;
  body: string;
  /** When the last byte was sent, and when the answer came, in Date.now() time. */
  lastByteAt: number;
  answeredAt: number;
}

/**
 * POSTs `body` to `path` in `chunks` pieces with `pauseMs` between them, announcing its
 * full length; with `stopAfter`, sends only that many pieces and then waits, silent, for
 * the agent to answer.
 */
function sendSlowly(
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  { chunks, pauseMs, stopAfter = chunks }: { chunks: number; pauseMs: number; stopAfter?: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let lastByteAt = Date.now();
    let failed = false;
    const sent = request(`${agent.url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
    });
    sent.once('error', (error) => {
      failed = true;
      reject(error);
    });
    sent.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: text,
          lastByteAt,
          answeredAt: Date.now(),
        }),
      );
    });
    const size = Math.ceil(body.length / chunks);
    (async () => {
      for (let i = 0; i < stopAfter && !failed; i++) {
        sent.write(body.subarray(i * size, (i + 1) * size));
        lastByteAt = Date.now();
        if (i < chunks - 1) await sleep(pauseMs);
      }
      if (stopAfter === chunks) sent.end();
    })();
  });
}

const authorization = () => ({ authorization: `Bearer ${agent.token}` });

/** The store's scratch directory holds nothing, within a second (the handler's cleanup). */
async function assertScratchEmpty(): Promise<void> {
  const scratch = join(agent.root, 'tmp');
  const list = () => readdirSync(scratch);
  for (let waited = 0; list().length > 0 && waited < 1000; waited += 50) await sleep(50);
  assert.deepEqual(list(), [], 'nothing is left in the scratch directory');
}

test('an upload that stops sending is dropped after the stall limit, with a 408 that says so, leaving nothing behind', async (t) => {
  const answer = await within(
    sendSlowly('/api/images/import?reference=stalled:1', authorization(), tarball, {
      chunks: 10,
      pauseMs: 100,
      stopAfter: 4,
    }),
    uploadStallMs + 3000,
    'the stalled upload was never dropped',
  );
  const silence = answer.answeredAt - answer.lastByteAt;
  t.diagnostic(`dropped ${silence} ms after the last byte`);
  assert.equal(answer.status, 408, answer.body);
  assert.match(answer.body, /the upload stalled: no data for 1\.5 s after \d+ bytes/);
  assert.ok(silence >= uploadStallMs - 50, `dropped after only ${silence} ms of silence`);
  assert.ok(silence < uploadStallMs + 1000, `dropped ${silence} ms after the last byte`);
  await assertScratchEmpty();
  const images = await agent.client.images.list.query();
  assert.ok(!images.some((image) => image.reference.endsWith('stalled:1')), 'no half image');
});

test('a request other than an upload that does not arrive whole in time is answered 408', async () => {
  const answer = await within(
    sendSlowly(
      '/api/trpc/containers.create',
      { ...authorization(), 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ spec: { image: 'busybox', command: ['true'] } })),
      { chunks: 10, pauseMs: 100, stopAfter: 2 },
    ),
    requestTimeoutMs + 3000,
    'the slow request was never cut off',
  );
  assert.equal(answer.status, 408, answer.body);
  assert.ok(answer.answeredAt - answer.lastByteAt < requestTimeoutMs + 1000);
});

test('an upload without credentials is not let off the deadline: refused, then cut off', async () => {
  const { port } = new URL(agent.url);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  const sentAt = Date.now();
  socket.write(
    `POST /api/images/import?reference=anonymous:1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 1000000\r\n\r\nsome bytes`,
  );
  const closedAt = await within(closed, requestTimeoutMs + 3000, 'the connection stayed open');
  assert.match(received, /^HTTP\/1\.1 401 /);
  assert.ok(closedAt - sentAt < requestTimeoutMs + 1000, `closed after ${closedAt - sentAt} ms`);
});

test('an upload that keeps trickling for over a minute, pausing less than the stall limit, is imported', async (t) => {
  // Over 60 s: the old wall clock (Node's requestTimeout of 30 s, checked every 30 s)
  // cut off any upload by then.
  const started = Date.now();
  const answer = await sendSlowly(
    '/api/images/import?reference=trickled:1',
    authorization(),
    tarball,
    {
      chunks: 125,
      pauseMs: 500,
    },
  );
  t.diagnostic(`${tarball.length} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(answer.status, 200, answer.body);
  assert.ok(Date.now() - started > 60_000);
  const images = await agent.client.images.list.query();
  assert.ok(
    images.some((image) => image.reference.endsWith('trickled:1')),
    JSON.stringify(images),
  );
  await assertScratchEmpty();
});
