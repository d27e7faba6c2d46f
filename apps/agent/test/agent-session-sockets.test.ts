import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { WebSocket } from 'ws';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';
import type { AgentLimits } from './support/agent-with-limits.js';
import { upgradeStatus } from './support/ws-upgrade.js';

/** The close code the agent gives a socket whose browser session ended. */
const sessionEnded = 4001;

const agents: AgentProcess[] = [];
after(async () => {
  for (const agent of agents) {
    await agent.client.containers.remove.mutate({ id: 'shell', force: true }).catch(() => {});
    await agent.stop();
    agent.cleanup();
  }
});

/** An agent with a running busybox container named `shell` to open terminals in. */
async function agentWithShell(limits?: AgentLimits): Promise<AgentProcess> {
  const agent = await startAgentProcess(undefined, [], limits);
  agents.push(agent);
  await agent.client.containers.create.mutate({
    spec: { image: 'busybox', name: 'shell', command: ['sleep', '1000'] },
    start: true,
  });
  return agent;
}

/** Signs in as a browser does; the `cookie` header to send, and when it was set. */
async function signIn(agent: AgentProcess): Promise<{ cookie: string; at: number }> {
  const response = await fetch(`${agent.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: agent.token }),
  });
  assert.equal(response.status, 204);
  return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '', at: Date.now() };
}

/** `closed`, or a failure saying `what` once `deadline` (a Date.now() time) has passed. */
async function closedBy<T>(closed: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), deadline - Date.now());
  });
  try {
    return await Promise.race([closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface OpenSocket {
  socket: WebSocket;
  /** The close code and the time it came. */
  closed: Promise<{ code: number; at: number }>;
}

async function openSocket(url: string, headers: Record<string, string>): Promise<OpenSocket> {
  const socket = new WebSocket(url, { headers });
  const closed = new Promise<{ code: number; at: number }>((resolve) =>
    socket.once('close', (code) => resolve({ code, at: Date.now() })),
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, closed };
}

/** The dashboard's two kinds of socket, opened as a browser would: cookie and Origin. */
async function browserSockets(agent: AgentProcess, cookie: string) {
  const headers = { cookie, origin: agent.url };
  const ws = agent.url.replace('http', 'ws');
  const terminal = await agent.client.terminals.open.mutate({
    container: 'shell',
    mode: 'exec',
    cols: 80,
    rows: 24,
  });
  return [
    await openSocket(`${ws}/api/trpc`, headers),
    await openSocket(`${ws}/api/terminals/${terminal.id}`, headers),
  ];
}

test("signing out closes the session's tRPC and terminal WebSockets within a second, not the token's", async (t) => {
  const agent = await agentWithShell();
  const { cookie } = await signIn(agent);
  const sockets = await browserSockets(agent, cookie);
  const cli = await openSocket(`${agent.url.replace('http', 'ws')}/api/trpc`, {
    authorization: `Bearer ${agent.token}`,
  });

  const signedOutAt = Date.now();
  const signOut = await fetch(`${agent.url}/api/session`, {
    method: 'DELETE',
    headers: { cookie, origin: agent.url },
  });
  assert.equal(signOut.status, 204);
  for (const { closed } of sockets) {
    const { code, at } = await closedBy(
      closed,
      signedOutAt + 2000,
      'a socket was still open 2 s after sign-out',
    );
    t.diagnostic(`closed with ${code} ${at - signedOutAt} ms after sign-out`);
    assert.equal(code, sessionEnded);
    assert.ok(at - signedOutAt < 1000, `closed ${at - signedOutAt} ms after sign-out`);
  }

  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(
    cli.socket.readyState,
    WebSocket.OPEN,
    'a token socket is no session of the browser',
  );
  cli.socket.close();
  assert.equal(await upgradeStatus(agent.url, { cookie }), 401, 'the cookie is signed out');
});

test("a session's WebSockets close within a second of its expiry", async (t) => {
  const lifetimeMs = 2000;
  const agent = await agentWithShell({ sessionLifetimeMs: lifetimeMs });
  const { cookie, at: signedInAt } = await signIn(agent);
  const sockets = await browserSockets(agent, cookie);
  const expiry = signedInAt + lifetimeMs;
  for (const { closed } of sockets) {
    const { code, at } = await closedBy(
      closed,
      expiry + 2000,
      'a socket was still open 2 s after its session expired',
    );
    t.diagnostic(`closed with ${code} ${at - expiry} ms after the session expired`);
    assert.equal(code, sessionEnded);
    // The session started a little before its cookie arrived, so it may end as early.
    assert.ok(at > expiry - 250, `closed ${expiry - at} ms before the session expired`);
    assert.ok(at < expiry + 1000, `closed ${at - expiry} ms after the session expired`);
  }
  assert.equal(await upgradeStatus(agent.url, { cookie }), 401, 'the cookie has expired');
});
