import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoveError } from '@cove/core';
import { startAgent } from '../../server/agent.js';
import { createLogger } from '../../server/log.js';
import { parseFlags } from '../parse-flags.js';

const webDirectory = fileURLToPath(new URL('../../../../../web/out', import.meta.url));
const packageJson = fileURLToPath(new URL('../../../../package.json', import.meta.url));

const usage = `Usage: cove agent [OPTIONS]

Run the agent in the foreground: the API and the dashboard, on one origin. SIGTERM or
SIGINT stops it; the containers it started keep running and the next agent adopts them.

Options:
      --root DIR             The store (default: $COVE_ROOT or /var/lib/cove)
      --listen HOST:PORT     Where to listen (default: 127.0.0.1:7777)
      --socket PATH          Also listen on a unix socket (mode 0660; the token is still
                             required), e.g. /run/cove/agent.sock
      --allow-origin ORIGIN  Also accept browser requests from this exact origin,
                             SCHEME://HOST[:PORT] (repeatable; no wildcards), e.g.
                             http://localhost:3000 for next dev's proxy. For development
                             only: pages of that origin can use a signed-in session`;

function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new CoveError(`invalid --listen "${text}": expected HOST:PORT, e.g. 127.0.0.1:7777`);
  }
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}

/** Clients reach the socket by a `ws+unix:PATH:/api/trpc` URL, which ends PATH at its first ':'. */
function parseSocketPath(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text === '' || text.includes(':')) {
    throw new CoveError(
      `invalid --socket "${text}": expected a file path without ":", e.g. /run/cove/agent.sock`,
    );
  }
  return resolve(text);
}

/**
 * A browser's Origin header is scheme://host[:port], lowercase, without the default port:
 * the flag is parsed into that form so the check can compare strings exactly.
 */
function parseAllowedOrigin(text: string): string {
  const invalid = () =>
    new CoveError(
      `invalid --allow-origin "${text}": expected an exact origin, SCHEME://HOST[:PORT], e.g. http://localhost:3000`,
    );
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid();
  }
  const bare = !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
  if (!['http:', 'https:'].includes(url.protocol) || !bare || url.hostname.includes('*')) {
    throw invalid();
  }
  return url.origin;
}

/**
 * `cove agent`: the daemon, in the foreground. SIGTERM and SIGINT stop it cleanly; the
 * containers it started keep running and the next agent finds them. `--socket PATH` adds
 * a unix socket beside the TCP port (the systemd unit uses /run/cove/agent.sock);
 * `--allow-origin ORIGIN` lets a dev server's pages (`next dev`) in.
 */
export async function agent(root: string, args: string[]): Promise<number> {
  const { flags } = parseFlags('agent', args, [
    { long: 'listen', value: true },
    { long: 'socket', value: true },
    { long: 'allow-origin', value: true, repeatable: true },
    { long: 'root', value: true },
    { long: 'help' },
  ]);
  // `cove agent --listen X --root DIR`: the global flag among the agent's own.
  root = flags.get('root')?.at(-1) ?? root;
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const { host, port } = parseListen(flags.get('listen')?.at(-1) ?? '127.0.0.1:7777');
  const socketPath = parseSocketPath(flags.get('socket')?.at(-1));
  const allowedOrigins = [...new Set((flags.get('allow-origin') ?? []).map(parseAllowedOrigin))];
  const log = createLogger();
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    log.warn('agent.exposed', {
      host,
      advice:
        'the agent runs containers as root: listen beyond loopback only behind TLS and a firewall',
    });
  }
  if (allowedOrigins.length) {
    log.warn('agent.allowed-origins', {
      origins: allowedOrigins.join(' '),
      advice:
        'pages of these origins can drive the agent with a signed-in session: allow only a dev server you run',
    });
  }
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  const running = await startAgent({
    root,
    host,
    port,
    socketPath,
    webDirectory,
    allowedOrigins,
    version,
    log,
  });
  if (running.tokenCreated) {
    console.log(`A new agent token is in ${root}/agent.token (shown once):\n  ${running.token}`);
  }
  console.log(`Cove is running: ${running.url}`);
  if (running.socketPath) {
    console.log(`Also on the unix socket ${running.socketPath} (the token is still required)`);
  }
  console.log(`Sign in (link valid 5 minutes, once): ${running.signInLink()}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await running.close();
  // The containers this agent started are its children, and Node keeps waiting for
  // children: leave now. They run on in their own sessions, and the next agent adopts them.
  process.exit(0);
}
