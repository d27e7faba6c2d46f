import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoveError, keepInheritedFdsToSelf, koffiLibc } from '@cove/core';
import type { NetworkMode } from '@cove/shared';
import { startAgent } from '../../server/agent.js';
import { createLogger, type Logger } from '../../server/log.js';
import { isLoopbackHost } from '../../server/loopback-host.js';
import { parseUpstream } from '../../server/names/upstream-resolvers.js';
import { certificateNames, loadOrMakeCertificate } from '../../server/tls/agent-certificate.js';
import { readTlsFiles, type TlsCredentials } from '../../server/tls/tls-credentials.js';
import { CliError } from '../cli-error.js';
import { parseFlags } from '../parse-flags.js';

const webDirectory = fileURLToPath(new URL('../../../../../web/out', import.meta.url));
const packageJson = fileURLToPath(new URL('../../../../package.json', import.meta.url));

const usage = `Usage: cove agent [OPTIONS]

Run the agent in the foreground: the API and the dashboard, on one origin. SIGTERM or
SIGINT stops it; the containers it started keep running and the next agent adopts them.

Options:
      --root DIR             The store (default: $COVE_ROOT or /var/lib/cove)
      --listen HOST:PORT     Where to listen (default: 127.0.0.1:7777). A host beyond
                             loopback needs --tls or --insecure-listen
      --tls                  Serve HTTPS and WSS with a self-signed certificate made at
                             the first start and kept in ROOT/tls (key mode 0600); its
                             SHA-256 fingerprint is printed beside the sign-in link
      --tls-cert FILE        Serve HTTPS with this certificate (PEM, chain after it)
      --tls-key FILE         and its private key (PEM, no passphrase); implies --tls
      --insecure-listen      Allow a host beyond loopback without TLS, for a proxy in
                             front that terminates TLS. Anyone on the path between the
                             proxy and the agent sees the token
      --socket PATH          Also listen on a unix socket (mode 0660; the token is still
                             required), e.g. /run/cove/agent.sock
      --allow-origin ORIGIN  Also accept browser requests from this exact origin,
                             SCHEME://HOST[:PORT] (repeatable; no wildcards), e.g.
                             http://localhost:3000 for next dev's proxy. For development
                             only: pages of that origin can use a signed-in session
      --default-network MODE The network of containers created without --network:
                             bridge (default), none or host
      --bridge-subnet CIDR   The subnet of the bridge cove0 (default: the first of
                             10.88.0.0/16, 10.89.0.0/16... no host route overlaps),
                             kept in the store; changes only while no container is on it
      --dns-upstream IP[:PORT]
                             Where Cove's DNS on user-defined networks forwards the
                             names it does not own (repeatable; default: the host's
                             /etc/resolv.conf nameservers)
      --no-trace             Record no start's steps and calls (cove trace, the
                             dashboard's Start tab); a start then skips the recording`;

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

/** `--default-network`: what a container created without `--network` gets. */
function parseDefaultNetwork(text: string | undefined): NetworkMode | undefined {
  if (text === undefined) return undefined;
  if (text !== 'bridge' && text !== 'none' && text !== 'host') {
    throw new CliError(`invalid --default-network "${text}": use bridge, none or host`);
  }
  return text;
}

/** `--tls-cert` and `--tls-key`, both or neither; the credentials they name, checked. */
function readGivenTlsFiles(
  certPath: string | undefined,
  keyPath: string | undefined,
): TlsCredentials | undefined {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) {
    throw new CliError(
      `cove agent: --tls-cert and --tls-key go together, the certificate and its key (only --tls-${certPath === undefined ? 'key' : 'cert'} was given)`,
    );
  }
  return readTlsFiles(resolve(certPath), resolve(keyPath));
}

/**
 * The certificate to serve, or undefined for plain HTTP: the given files, or the store's
 * own (made now if needed, and said so: its fingerprint changed).
 */
function tlsCredentials(
  root: string,
  host: string,
  flags: Map<string, string[]>,
  log: Logger,
): TlsCredentials | undefined {
  const given = readGivenTlsFiles(flags.get('tls-cert')?.at(-1), flags.get('tls-key')?.at(-1));
  if (given) {
    if (new Date(given.certificate.validTo) < new Date()) {
      log.warn('tls.certificate-expired', { validTo: given.certificate.validTo });
    }
    return given;
  }
  if (!flags.has('tls')) return undefined;
  const made = loadOrMakeCertificate(root, certificateNames(host, hostname()));
  if (made.madeBecause) {
    console.log(`A new TLS certificate is in ${made.certPath} (${made.madeBecause})`);
  }
  return made.credentials;
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
 * `--allow-origin ORIGIN` lets a dev server's pages (`next dev`) in; `--tls` serves HTTPS,
 * which any host beyond loopback needs unless `--insecure-listen` says a proxy does it.
 */
export async function agent(root: string, args: string[]): Promise<number> {
  const { flags } = parseFlags('agent', args, [
    { long: 'listen', value: true },
    { long: 'socket', value: true },
    { long: 'allow-origin', value: true, repeatable: true },
    { long: 'tls' },
    { long: 'tls-cert', value: true },
    { long: 'tls-key', value: true },
    { long: 'insecure-listen' },
    { long: 'default-network', value: true },
    { long: 'no-trace' },
    { long: 'bridge-subnet', value: true },
    { long: 'dns-upstream', value: true, repeatable: true },
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
  const defaultNetwork = parseDefaultNetwork(flags.get('default-network')?.at(-1));
  const bridgeSubnet = flags.get('bridge-subnet')?.at(-1);
  const dnsUpstreams = flags.get('dns-upstream')?.map((text) => {
    try {
      return parseUpstream(text);
    } catch (error) {
      throw new CliError(`cove agent: --dns-upstream: ${(error as Error).message}`);
    }
  });
  const log = createLogger();
  // The OOM killer takes a container before the agent (a container's processes set theirs
  // back to 0). Going below 0 needs CAP_SYS_RESOURCE, which some hosts' root lacks.
  try {
    writeFileSync('/proc/self/oom_score_adj', '-500');
  } catch (error) {
    log.warn('agent.oom-score-adj', {
      error: (error as Error).message,
      advice: 'the agent is as likely as a container to be OOM-killed',
    });
  }
  const tls = tlsCredentials(root, host, flags, log);
  if (!isLoopbackHost(host)) {
    if (!tls && !flags.has('insecure-listen')) {
      throw new CliError(
        `cove agent: refusing to listen on ${host} without TLS: the token and the session cookie would cross the network in the clear. Add --tls (a certificate of its own, or --tls-cert FILE --tls-key FILE), or --insecure-listen if a proxy in front of the agent terminates TLS`,
      );
    }
    log.warn('agent.exposed', {
      host,
      advice: tls
        ? 'the agent runs containers as root: keep a firewall in front of it'
        : 'plain HTTP beyond loopback (--insecure-listen): only behind a proxy that terminates TLS',
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
  // Before the first spawn: nothing the agent's parent left open reaches a keeper or an init.
  keepInheritedFdsToSelf(koffiLibc);
  const running = await startAgent({
    root,
    host,
    port,
    socketPath,
    tls,
    webDirectory,
    allowedOrigins,
    version,
    log,
    defaultNetwork,
    trace: !flags.has('no-trace'),
    bridgeSubnet,
    dnsUpstreams,
  });
  if (running.tokenCreated) {
    console.log(`A new agent token is in ${root}/agent.token (shown once):\n  ${running.token}`);
  }
  console.log(`Cove is running: ${running.url}`);
  if (running.socketPath) {
    console.log(`Also on the unix socket ${running.socketPath} (the token is still required)`);
  }
  console.log(`Sign in (link valid 5 minutes, once): ${running.signInLink()}`);
  if (tls) {
    console.log(
      `  Certificate fingerprint SHA-256 ${tls.certificate.fingerprint256} (check that the browser shows the same)`,
    );
  }
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
