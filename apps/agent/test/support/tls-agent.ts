import { spawn } from 'node:child_process';
import { request } from 'node:https';
import type { PeerCertificate } from 'node:tls';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';

const coveBin = fileURLToPath(new URL('../../../bin/cove.js', import.meta.url));

/**
 * `cove agent --root ROOT ARGS` as a separate process, its stdout and stderr kept
 * together, for tests of how the agent starts, or refuses to.
 */
export function spawnAgent(root: string, args: readonly string[]) {
  const child = spawn(process.execPath, [coveBin, 'agent', '--root', root, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiters) wake();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let exitCode: number | null | undefined;
  exited.then((code) => {
    exitCode = code;
    for (const wake of waiters) wake();
  });
  return {
    get output() {
      return output;
    },
    exited,
    /** The first match of `pattern` in the output; fails when the agent exits first. */
    waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
      return new Promise((resolve, reject) => {
        let timedOut = false;
        const check = () => {
          const match = pattern.exec(output);
          if (!match && exitCode === undefined && !timedOut) return;
          clearTimeout(timer);
          waiters.delete(check);
          if (match) resolve(match);
          else reject(new Error(`agent never printed ${pattern}; it printed:\n${output}`));
        };
        const timer = setTimeout(() => {
          timedOut = true;
          check();
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
export type SpawnedAgent = ReturnType<typeof spawnAgent>;

/** Starts a `--tls` agent and reads what it printed: its URL and the fingerprint. */
export async function startTlsAgent(root: string, args: readonly string[]) {
  const agent = spawnAgent(root, args);
  const [, fingerprint = ''] = await agent.waitFor(/fingerprint SHA-256 ([0-9A-F:]{95})\b/);
  const [, url = ''] = await agent.waitFor(/Cove is running: (\S+)/);
  return { agent, url, port: Number(new URL(url).port), fingerprint };
}

/**
 * The certificate the server at 127.0.0.1:`port` presents, read without trusting it and
 * without sending anything, kept only if its SHA-256 fingerprint is `fingerprint`: what
 * a client that was told the fingerprint does on first contact.
 */
export function pinnedCertificate(port: number, fingerprint: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const presented = socket.getPeerX509Certificate();
      socket.destroy();
      if (presented?.fingerprint256 === fingerprint) resolve(presented.toString());
      else reject(new Error(`pinned ${fingerprint}, presented ${presented?.fingerprint256}`));
    });
    socket.once('error', reject);
  });
}

/**
 * TLS options that trust `pem` alone and check the fingerprint on every connection.
 * Node calls checkServerIdentity only once the chain is verified (never with
 * rejectUnauthorized: false), hence `ca`; the fingerprint stands in for the host name.
 */
export function pinnedTls(pem: string, fingerprint: string) {
  return {
    ca: pem,
    checkServerIdentity: (_host: string, cert: PeerCertificate) =>
      cert.fingerprint256 === fingerprint
        ? undefined
        : new Error(`pinned ${fingerprint}, presented ${cert.fingerprint256}`),
  };
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTPS request with the given TLS options (`ca`, `checkServerIdentity`), on a
 * connection of its own: Node skips checkServerIdentity on a resumed TLS session, and the
 * global agent would resume one made under another pin.
 */
export function httpsRequest(
  url: string,
  tls: {
    ca: string;
    checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
  },
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      agent: false,
      ...tls,
    });
    sent.once('error', reject);
    sent.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    sent.end(init.body);
  });
}
