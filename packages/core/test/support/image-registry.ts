import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, sign, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as an image reference names it. */
  host: string;
  /** What the token service was asked, when the registry has one. */
  tokenRequests: { user: string | undefined; scope: string | null }[];
  stop(): Promise<void>;
}

async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server);
  server.close();
  await once(server, 'close');
  return port;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * A token service as distribution's token auth expects it (docs/spec/auth/jwt.md): it
 * checks Basic credentials and answers with an ES256 JWT whose x5c header carries the
 * certificate the registry trusts.
 */
async function startTokenService(dir: string, user: string, password: string) {
  const key = join(dir, 'token.key');
  const cert = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=cove-test-token',
    ],
    { stdio: 'ignore' },
  );
  const x5c = new X509Certificate(readFileSync(cert)).raw.toString('base64');
  const privateKey = readFileSync(key);
  const requests: TestRegistry['tokenRequests'] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token');
    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    const [given, secret] =
      scheme === 'Basic'
        ? Buffer.from(encoded ?? '', 'base64')
            .toString()
            .split(':')
        : [];
    requests.push({ user: given, scope: url.searchParams.get('scope') });
    if (given !== user || secret !== password) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }),
      );
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = url.searchParams.getAll('scope').map((scope) => {
      const [type, name, actions] = scope.split(':');
      return { type, name, actions: (actions ?? '').split(',') };
    });
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [x5c] }));
    const claims = base64url(
      JSON.stringify({
        iss: 'cove-test-issuer',
        sub: user,
        aud: 'cove-test-registry',
        exp: now + 600,
        nbf: now - 60,
        iat: now,
        jti: randomBytes(8).toString('hex'),
        access,
      }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ token: `${header}.${claims}.${base64url(signature)}` }));
  });
  const port = await listen(server);
  return {
    cert,
    port,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Debian's docker-registry (distribution 2.8) on loopback with its own storage, and
 * optionally behind token auth. Stopped by its own PID.
 */
export async function startRegistry(
  options: { auth?: { user: string; password: string } } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'cove-registry-'));
  const port = await freePort();
  const tokens = options.auth
    ? await startTokenService(dir, options.auth.user, options.auth.password)
    : undefined;
  const auth = tokens
    ? `auth:\n  token:\n    realm: http://127.0.0.1:${tokens.port}/token\n    service: cove-test-registry\n    issuer: cove-test-issuer\n    rootcertbundle: ${tokens.cert}\n`
    : '';
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/storage\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await tokens?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`docker-registry exited: ${stderr}`);
    }
    const ready = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (attempt > 200) {
      await stop();
      throw new Error(`docker-registry did not answer on port ${port}: ${stderr}`);
    }
    await sleep(25);
  }
  return { host: `127.0.0.1:${port}`, tokenRequests: tokens?.requests ?? [], stop };
}

export interface ProxyRequest {
  method: string;
  path: string;
  range: string | undefined;
}

/**
 * A loopback HTTP proxy in front of a registry that misbehaves on purpose: it can cut
 * the first download of a large blob (a layer) in the middle, or flip a byte of every
 * layer it passes on.
 */
export async function startFaultyProxy(
  registryHost: string,
  fault: { cutFirstBlobDownload?: boolean; alterBlobs?: boolean },
) {
  const requests: ProxyRequest[] = [];
  let cut = false;
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push({ method: request.method ?? 'GET', path, range: request.headers.range });
    const isBlob = /\/blobs\/sha256:/.test(path) && request.method === 'GET';
    const upstream = http.request(
      `http://${registryHost}${path}`,
      { method: request.method, headers: { ...request.headers, host: registryHost } },
      (answer) => {
        const length = Number(answer.headers['content-length'] ?? 0);
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        if (
          isBlob &&
          answer.statusCode === 200 &&
          fault.cutFirstBlobDownload &&
          !cut &&
          length > 64 * 1024
        ) {
          cut = true;
          let sent = 0;
          answer.on('data', (chunk: Buffer) => {
            if (sent >= length / 2) return;
            response.write(chunk);
            sent += chunk.length;
            if (sent >= length / 2) {
              answer.destroy();
              response.socket?.destroy();
            }
          });
          return;
        }
        if (isBlob && fault.alterBlobs && answer.statusCode === 200 && length > 64 * 1024) {
          let first = true;
          answer.on('data', (chunk: Buffer) => {
            const copy = Buffer.from(chunk);
            if (first && copy.length > 100) {
              copy[100] = (copy[100] ?? 0) ^ 0xff;
              first = false;
            }
            response.write(copy);
          });
          answer.on('end', () => response.end());
          return;
        }
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  const port = await listen(server);
  return {
    host: `127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
