import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';
import { upgradeStatus } from './support/ws-upgrade.js';

/** Where `next dev` serves the dashboard; its proxy sends the agent another Host. */
const devOrigin = 'http://localhost:3000';

let agent: AgentProcess;
before(async () => {
  agent = await startAgentProcess(undefined, ['--allow-origin', devOrigin]);
});
after(async () => {
  await agent.stop();
  agent.cleanup();
});

/** A harmless mutation: forgetting a login that was never made. */
function logout(headers: Record<string, string>): Promise<Response> {
  return fetch(`${agent.url}/api/trpc/images.logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ registry: 'registry.example.test' }),
  });
}

const upgrade = (headers: Record<string, string>) => upgradeStatus(agent.url, headers);

test('a POST from the allowed Origin is accepted with the token, refused without', async () => {
  const authorization = `Bearer ${agent.token}`;
  const accepted = await logout({ authorization, origin: devOrigin });
  assert.equal(accepted.status, 200, await accepted.text());
  const anonymous = await logout({ origin: devOrigin });
  assert.equal(anonymous.status, 401, 'the origin is trusted, not the caller');
});

test('the dev server signs in from the allowed Origin, and its cookie opens the WebSocket', async () => {
  const signIn = await fetch(`${agent.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: devOrigin },
    body: JSON.stringify({ token: agent.token }),
  });
  assert.equal(signIn.status, 204);
  const session = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  assert.equal(await upgrade({ cookie: session, origin: devOrigin }), 101);
});

test('a WebSocket upgrade from the allowed Origin is accepted with the token', async () => {
  assert.equal(
    await upgrade({ authorization: `Bearer ${agent.token}`, origin: devOrigin }),
    101,
    'token and allowed Origin',
  );
  assert.equal(await upgrade({ origin: devOrigin }), 401, 'allowed Origin, no credentials');
});

test('any other Origin is still refused, even one that differs only in port or scheme', async () => {
  const authorization = `Bearer ${agent.token}`;
  for (const origin of [
    'https://evil.example',
    'http://localhost:3001',
    'https://localhost:3000',
  ]) {
    assert.equal((await logout({ authorization, origin })).status, 403, `POST from ${origin}`);
    assert.equal(await upgrade({ authorization, origin }), 403, `upgrade from ${origin}`);
  }
});

test('an --allow-origin that is not an exact origin stops the agent from starting', () => {
  const coveBin = fileURLToPath(new URL('../../bin/cove.js', import.meta.url));
  const root = mkdtempSync(join(tmpdir(), 'cove-agent-test-'));
  try {
    for (const origin of ['http://*.example.com', 'http://localhost:3000/app', '*', 'localhost']) {
      const result = spawnSync(
        process.execPath,
        [coveBin, '--root', root, 'agent', '--listen', '127.0.0.1:0', '--allow-origin', origin],
        { encoding: 'utf8', timeout: 10_000 },
      );
      assert.notEqual(result.status, 0, `${origin} was accepted`);
      assert.match(result.stderr, /invalid --allow-origin/, origin);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
