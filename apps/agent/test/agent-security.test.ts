import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';
import { upgradeStatus } from './support/ws-upgrade.js';

let agent: AgentProcess;
before(async () => {
  agent = await startAgentProcess();
});
after(async () => {
  await agent.stop();
  agent.cleanup();
});

const infoPath = '/api/trpc/system.info';

test('a request without a token is refused with 401', async () => {
  const response = await fetch(`${agent.url}${infoPath}`);
  assert.equal(response.status, 401);
  assert.match(await response.text(), /sign in first/);
});

test('a wrong token is refused, the right one answers', async () => {
  const wrong = await fetch(`${agent.url}${infoPath}`, {
    headers: { authorization: 'Bearer nope' },
  });
  assert.equal(wrong.status, 401);
  const right = await fetch(`${agent.url}${infoPath}`, {
    headers: { authorization: `Bearer ${agent.token}` },
  });
  assert.equal(right.status, 200);
});

test('the token file is readable by root only', async () => {
  const { statSync } = await import('node:fs');
  assert.equal(statSync(`${agent.root}/agent.token`).mode & 0o777, 0o600);
});

test('a browser trades the token for an httpOnly SameSite=Strict cookie that then works', async () => {
  const signIn = await fetch(`${agent.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: agent.token }),
  });
  assert.equal(signIn.status, 204);
  const cookie = signIn.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.doesNotMatch(cookie, new RegExp(agent.token), 'the cookie is not the token');
  const session = cookie.split(';')[0] ?? '';
  const info = await fetch(`${agent.url}${infoPath}`, { headers: { cookie: session } });
  assert.equal(info.status, 200);
  await fetch(`${agent.url}/api/session`, { method: 'DELETE', headers: { cookie: session } });
  const afterSignOut = await fetch(`${agent.url}${infoPath}`, { headers: { cookie: session } });
  assert.equal(afterSignOut.status, 401, 'signing out ends the session');
});

test('a POST from a foreign Origin is refused even with a valid token', async () => {
  const response = await fetch(`${agent.url}/api/trpc/containers.create`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${agent.token}`,
      origin: 'https://evil.example',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ spec: { image: 'busybox' } }),
  });
  assert.equal(response.status, 403);
});

const upgrade = (headers: Record<string, string>) => upgradeStatus(agent.url, headers);

test('WebSocket upgrades need a token and a same-site Origin (cross-site WebSocket hijacking)', async () => {
  assert.equal(await upgrade({}), 401, 'no credentials');
  assert.equal(await upgrade({ authorization: 'Bearer wrong' }), 401, 'wrong token');
  assert.equal(
    await upgrade({ authorization: `Bearer ${agent.token}`, origin: 'https://evil.example' }),
    403,
    'foreign Origin',
  );
  assert.equal(await upgrade({ authorization: `Bearer ${agent.token}` }), 101, 'the CLI gets in');
});

test('a token in the query string does not authenticate', async () => {
  const response = await fetch(`${agent.url}${infoPath}?token=${agent.token}`);
  assert.equal(response.status, 401);
});

test('an oversize request body is refused', async () => {
  const response = await fetch(`${agent.url}/api/trpc/containers.create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ spec: { image: 'busybox', command: ['x'.repeat(2 * 1024 * 1024)] } }),
  });
  assert.equal(response.status, 413);
});

test('sign-in attempts are rate-limited', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const response = await fetch(`${agent.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: `guess-${i}` }),
    });
    statuses.push(response.status);
  }
  assert.ok(statuses.includes(429), `no 429 among ${statuses.join(',')}`);
});
