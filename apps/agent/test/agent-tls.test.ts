import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import type { AppRouter } from '../src/server/router/root.js';
import {
  httpsRequest,
  pinnedCertificate,
  pinnedTls,
  spawnAgent,
  startTlsAgent,
} from './support/tls-agent.js';

const coveBin = fileURLToPath(new URL('../../bin/cove.js', import.meta.url));

const temporaryDirectories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'cove-tls-test-'));
  temporaryDirectories.push(directory);
  return directory;
}
after(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** A self-signed P-256 certificate for 127.0.0.1 in `directory`, as a person would make one. */
function makeCertificate(directory: string, name: string): { cert: string; key: string } {
  const cert = join(directory, `${name}.crt`);
  const key = join(directory, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
      .concat(['-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`])
      .concat(['-addext', 'subjectAltName=IP:127.0.0.1']),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** `cove agent ARGS` that is expected to refuse to start. */
function refusedStart(root: string, args: string[]) {
  const result = spawnSync(process.execPath, [coveBin, 'agent', '--root', root, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('cove agent --tls', () => {
  const root = temporaryDirectory();
  let started: Awaited<ReturnType<typeof startTlsAgent>>;
  let pem: string;
  before(async () => {
    started = await startTlsAgent(root, ['--listen', '127.0.0.1:0', '--tls']);
    pem = await pinnedCertificate(started.port, started.fingerprint);
  });
  after(() => started?.agent.stop());

  const api = (path: string, init: Parameters<typeof httpsRequest>[2] = {}) =>
    httpsRequest(`${started.url}${path}`, pinnedTls(pem, started.fingerprint), init);

  test('makes its certificate in the store, key 0600, and prints that certificate’s fingerprint', () => {
    const certPath = join(root, 'tls', 'agent.crt');
    const keyPath = join(root, 'tls', 'agent.key');
    assert.match(started.agent.output, /A new TLS certificate is in .*agent\.crt/);
    assert.equal(modeOf(keyPath), 0o600, 'the key');
    assert.equal(modeOf(join(root, 'tls')), 0o700, 'the directory');
    const onDisk = new X509Certificate(readFileSync(certPath));
    assert.equal(started.fingerprint, onDisk.fingerprint256);
    assert.equal(new X509Certificate(pem).fingerprint256, onDisk.fingerprint256, 'the one served');
    assert.match(started.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  /** Signs in with the token over pinned HTTPS; the Set-Cookie header the agent answers with. */
  const signIn = async () => {
    const answer = await api('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: readFileSync(join(root, 'agent.token'), 'utf8').trim() }),
    });
    assert.equal(answer.status, 204, answer.body);
    return String(answer.headers['set-cookie']);
  };

  test('a client pinning the printed fingerprint signs in over HTTPS and gets a Secure cookie', async () => {
    const cookie = await signIn();
    assert.match(cookie, /; Secure(;|$)/);
    assert.match(cookie, /HttpOnly/);
    const session = cookie.split(';')[0] ?? '';
    const info = await api('/api/trpc/system.info', { headers: { cookie: session } });
    assert.equal(info.status, 200, info.body);
    const { result } = JSON.parse(info.body) as { result: { data: { version: string } } };
    assert.equal(typeof result.data.version, 'string');
  });

  test('a client pinning another fingerprint is refused', async () => {
    const other = started.fingerprint.replace(/^[0-9A-F]/, (digit) => (digit === '0' ? '1' : '0'));
    await assert.rejects(pinnedCertificate(started.port, other), /pinned/);
    await assert.rejects(
      httpsRequest(`${started.url}/api/session`, pinnedTls(pem, other)),
      /pinned/,
    );
  });

  test('the cove CLI reaches it at an https:// COVE_URL once Node trusts its certificate', () => {
    const { NODE_EXTRA_CA_CERTS: _, ...inherited } = process.env;
    const ps = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [coveBin, 'ps'], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...inherited, COVE_ROOT: root, COVE_URL: started.url, ...env },
      });
    const untrusted = ps({});
    assert.notEqual(untrusted.status, 0, untrusted.stdout);
    assert.match(
      untrusted.stderr,
      /certificate this machine does not trust \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    assert.match(untrusted.stderr, /NODE_EXTRA_CA_CERTS=ROOT\/tls\/agent.crt/);
    const trusted = ps({ NODE_EXTRA_CA_CERTS: join(root, 'tls', 'agent.crt') });
    assert.equal(trusted.status, 0, trusted.stderr);
    assert.match(trusted.stdout, /^CONTAINER ID/);
  });

  test('plain HTTP to the TLS port gets no answer', async () => {
    await assert.rejects(fetch(`http://127.0.0.1:${started.port}/api/session`));
  });

  test('the cookie opens tRPC over WSS from the agent’s own https:// origin, and no other', async () => {
    const session = (await signIn()).split(';')[0] ?? '';
    const ownOrigin = `https://127.0.0.1:${started.port}`;
    const tls = pinnedTls(pem, started.fingerprint);
    class SignedInSocket extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols, { ...tls, headers: { cookie: session, origin: ownOrigin } });
      }
    }
    const wsClient = createWSClient({
      url: `wss://127.0.0.1:${started.port}/api/trpc`,
      WebSocket: SignedInSocket as never,
    });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
      const info = await client.system.info.query();
      assert.equal(typeof info.version, 'string');
    } finally {
      await wsClient.close();
    }
    const foreign = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`wss://127.0.0.1:${started.port}/api/trpc`, {
        ...tls,
        headers: { cookie: session, origin: 'https://evil.example' },
      });
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', () => resolve(0));
    });
    assert.equal(foreign, 403);
  });
});

test('a second start reuses the store’s certificate: the same fingerprint', async () => {
  const root = temporaryDirectory();
  const first = await startTlsAgent(root, ['--listen', '127.0.0.1:0', '--tls']);
  await first.agent.stop();
  const certificate = readFileSync(join(root, 'tls', 'agent.crt'));
  const second = await startTlsAgent(root, ['--listen', '127.0.0.1:0', '--tls']);
  try {
    assert.equal(second.fingerprint, first.fingerprint);
    assert.doesNotMatch(second.agent.output, /A new TLS certificate/);
    assert.deepEqual(readFileSync(join(root, 'tls', 'agent.crt')), certificate);
    await pinnedCertificate(second.port, first.fingerprint);
  } finally {
    await second.agent.stop();
  }
});

test('listening beyond loopback without TLS is refused, naming --tls and --insecure-listen, and nothing listens', async () => {
  const root = temporaryDirectory();
  const port = await freePort();
  const refused = refusedStart(root, ['--listen', `0.0.0.0:${port}`]);
  assert.notEqual(refused.code, 0, refused.output);
  assert.match(refused.output, /refusing to listen on 0\.0\.0\.0 without TLS/);
  assert.match(refused.output, /--tls\b/);
  assert.match(refused.output, /--insecure-listen/);
  assert.ok(await connectionRefused(port), `something listens on ${port}`);
});

test('--insecure-listen listens on 0.0.0.0 over plain HTTP, with a warning and no Secure cookie', async () => {
  const root = temporaryDirectory();
  const agent = spawnAgent(root, ['--listen', '0.0.0.0:0', '--insecure-listen']);
  try {
    const [, port] = await agent.waitFor(/Cove is running: http:\/\/0\.0\.0\.0:(\d+)/);
    assert.match(agent.output, /agent\.exposed/);
    const signIn = await fetch(`http://127.0.0.1:${port}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: readFileSync(join(root, 'agent.token'), 'utf8').trim() }),
    });
    assert.equal(signIn.status, 204);
    assert.doesNotMatch(signIn.headers.get('set-cookie') ?? '', /Secure/);
    assert.ok(!existsSync(join(root, 'tls')), 'no certificate is made without --tls');
  } finally {
    await agent.stop();
  }
});

test('--tls-cert and --tls-key serve the given certificate, whose fingerprint is printed', async () => {
  const root = temporaryDirectory();
  const given = makeCertificate(temporaryDirectory(), 'given');
  const expected = new X509Certificate(readFileSync(given.cert)).fingerprint256;
  const started = await startTlsAgent(root, [
    '--listen',
    '127.0.0.1:0',
    '--tls-cert',
    given.cert,
    '--tls-key',
    given.key,
  ]);
  try {
    assert.equal(started.fingerprint, expected);
    await pinnedCertificate(started.port, expected);
    // Trusted as a CA would be, host name checked: the certificate names 127.0.0.1.
    const answer = await httpsRequest(`${started.url}/api/session`, {
      ca: readFileSync(given.cert, 'utf8'),
    });
    assert.equal(answer.status, 401, answer.body);
    assert.ok(!existsSync(join(root, 'tls')), 'the store’s own certificate is not made');
  } finally {
    await started.agent.stop();
  }
});

test('--tls-cert and --tls-key that are missing, not PEM or not a pair stop the agent, naming the file', async () => {
  const root = temporaryDirectory();
  const directory = temporaryDirectory();
  const one = makeCertificate(directory, 'one');
  const two = makeCertificate(directory, 'two');
  const listen = ['--listen', '127.0.0.1:0'];
  const missing = join(directory, 'missing.key');
  for (const [args, pattern] of [
    [['--tls-cert', one.cert, '--tls-key', missing], new RegExp(`${missing}: ENOENT`)],
    [['--tls-cert', one.cert, '--tls-key', two.key], new RegExp(`${two.key} and .* not a pair`)],
    [['--tls-cert', one.key, '--tls-key', one.key], new RegExp(`${one.key} is not a PEM cert`)],
    [['--tls-cert', one.cert], /--tls-cert and --tls-key go together/],
  ] as const) {
    const refused = refusedStart(root, [...listen, ...args]);
    assert.notEqual(refused.code, 0, refused.output);
    assert.match(refused.output, pattern);
    assert.doesNotMatch(refused.output, /Cove is running/);
  }
});
