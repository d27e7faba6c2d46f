import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import { unixSocketFetch } from '../src/client/unix-socket-fetch.js';
import type { AppRouter } from '../src/server/router/root.js';

const coveBin = fileURLToPath(new URL('../../bin/cove.js', import.meta.url));

interface SocketAgent {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
}

/** `cove agent --socket PATH` on a loopback port of its own; resolves once it is serving. */
function startSocketAgent(root: string, socketPath: string): SocketAgent {
  const child = spawn(
    process.execPath,
    [coveBin, '--root', root, 'agent', '--listen', '127.0.0.1:0', '--socket', socketPath],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

async function waitForSocketLine(agent: SocketAgent): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /Also on the unix socket (\S+)/.exec(agent.output());
    if (match?.[1]) return match[1];
    if (agent.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the agent never said it listens on the socket:\n${agent.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopAgent(agent: SocketAgent, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill(signal);
  await agent.exited;
}

/** Waits for an agent that must refuse to start, and says what it printed. */
async function failedStart(agent: SocketAgent): Promise<{ code: number | null; output: string }> {
  const timer = setTimeout(() => agent.child.kill('SIGKILL'), 30_000);
  const code = await agent.exited;
  clearTimeout(timer);
  return { code, output: agent.output() };
}

const root = mkdtempSync(join(tmpdir(), 'cove-agent-socket-'));
const runDirectory = join(root, 'run');
const socketPath = join(runDirectory, 'agent.sock');
let agent: SocketAgent;
let authorization: string;
/** Agents started by single tests, stopped in `after` should a test fail halfway. */
const others: SocketAgent[] = [];

before(async () => {
  agent = startSocketAgent(root, socketPath);
  assert.equal(await waitForSocketLine(agent), socketPath);
  authorization = `Bearer ${readFileSync(join(root, 'agent.token'), 'utf8').trim()}`;
});

after(async () => {
  for (const started of [agent, ...others]) await stopAgent(started, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

test('the socket file is root:root, mode 0660, and nothing else is left beside it', () => {
  const socket = lstatSync(socketPath);
  assert.ok(socket.isSocket());
  assert.equal(socket.mode & 0o7777, 0o660);
  assert.equal(socket.uid, 0);
  assert.equal(socket.gid, 0);
  assert.deepEqual(readdirSync(runDirectory), ['agent.sock']);
});

test('tRPC queries and subscriptions work over the socket with the token', async () => {
  class AuthenticatedSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { authorization } });
    }
  }
  const wsClient = createWSClient({
    url: `ws+unix:${socketPath}:/api/trpc`,
    WebSocket: AuthenticatedSocket as never,
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({
          url: 'http://localhost/api/trpc',
          fetch: unixSocketFetch(socketPath),
          headers: { authorization },
        }),
      }),
    ],
  });
  try {
    const info = await client.system.info.query();
    assert.equal(info.kernel, readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    assert.equal(info.store.root, root);

    // The sampler ticks every second, containers or not: one tick proves the subscription.
    const tick = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no stats tick within 10 s')), 10_000);
      const subscription = client.stats.watchAll.subscribe(undefined, {
        onData(readings) {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(readings);
        },
        onError: reject,
      });
    });
    assert.ok(Array.isArray(tick));
  } finally {
    wsClient.close();
  }
});

test('the TCP port serves the same API beside the socket', async () => {
  const url = /Cove is running: (http:\/\/\S+)/.exec(agent.output())?.[1];
  assert.ok(url, 'the agent printed its URL');
  const overTcp = await fetch(`${url}/api/trpc/system.info`, { headers: { authorization } });
  const overSocket = await unixSocketFetch(socketPath)('http://localhost/api/trpc/system.info', {
    headers: { authorization },
  });
  assert.equal(overTcp.status, 200);
  assert.equal(overSocket.status, 200);
  const hostnameOf = async (response: Response) =>
    ((await response.json()) as { result: { data: { hostname: string } } }).result.data.hostname;
  assert.equal(await hostnameOf(overSocket), await hostnameOf(overTcp));
});

test('without the token the socket refuses HTTP calls and WebSocket upgrades with 401', async () => {
  const response = await unixSocketFetch(socketPath)('http://localhost/api/trpc/system.info');
  assert.equal(response.status, 401);
  assert.match(await response.text(), /Bearer/);

  const status = await new Promise<number | undefined>((resolve, reject) => {
    const socket = new WebSocket(`ws+unix:${socketPath}:/api/trpc`);
    socket.once('unexpected-response', (_request, reply) => {
      resolve(reply.statusCode);
      socket.terminate();
    });
    socket.once('open', () => reject(new Error('the upgrade was accepted without a token')));
    socket.once('error', () => {});
  });
  assert.equal(status, 401);
});

test('a second agent refuses a socket path another agent listens on', async () => {
  const secondRoot = join(root, 'second');
  const second = startSocketAgent(secondRoot, socketPath);
  others.push(second);
  const { code, output } = await failedStart(second);
  assert.notEqual(code, 0);
  assert.match(output, /another process listens on it/);
  assert.ok(lstatSync(socketPath).isSocket(), 'the live socket is still there');
  const response = await unixSocketFetch(socketPath)('http://localhost/api/trpc/system.info', {
    headers: { authorization },
  });
  assert.equal(response.status, 200);
});

test('SIGTERM stops the agent and removes its socket file', async () => {
  await stopAgent(agent);
  assert.equal(agent.child.exitCode, 0);
  assert.equal(existsSync(socketPath), false);
});

test('an agent refuses to replace a regular file at the socket path', async () => {
  const path = join(root, 'regular', 'agent.sock');
  mkdirSync(join(root, 'regular'));
  writeFileSync(path, 'not a socket\n');
  const refused = startSocketAgent(join(root, 'third'), path);
  others.push(refused);
  const { code, output } = await failedStart(refused);
  assert.notEqual(code, 0);
  assert.match(output, /a file that is not a socket is there: refusing to replace it/);
  assert.equal(readFileSync(path, 'utf8'), 'not a socket\n');
});

test('the socket an agent killed by SIGKILL left behind is replaced by the next agent', async () => {
  const path = join(root, 'stale', 'agent.sock');
  const killed = startSocketAgent(join(root, 'fourth'), path);
  others.push(killed);
  await waitForSocketLine(killed);
  await stopAgent(killed, 'SIGKILL');
  assert.ok(lstatSync(path).isSocket(), 'SIGKILL leaves the socket file');

  const next = startSocketAgent(join(root, 'fourth'), path);
  others.push(next);
  await waitForSocketLine(next);
  assert.equal(lstatSync(path).mode & 0o7777, 0o660);
  // The killed agent cannot answer: a reply comes from the new one.
  const token = readFileSync(join(root, 'fourth', 'agent.token'), 'utf8').trim();
  const response = await unixSocketFetch(path)('http://localhost/api/trpc/system.info', {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  await stopAgent(next);
  assert.equal(existsSync(path), false);
});
