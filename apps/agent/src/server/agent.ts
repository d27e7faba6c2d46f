import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  type Stats,
  unlinkSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { CoveError, createEngine, koffiLibc } from '@cove/core';
import type { NetworkMode } from '@cove/shared';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { loadOrCreateToken } from './auth/agent-token.js';
import { type Credential, credentialOf, isSameOrigin } from './auth/authenticate.js';
import { createRateLimiter } from './auth/rate-limiter.js';
import { createSessionSockets } from './auth/session-sockets.js';
import { createSessions } from './auth/sessions.js';
import { createEventBus } from './events/event-bus.js';
import { handleImageUpload } from './http/image-upload.js';
import { limitRequestTime } from './http/request-deadline.js';
import { handleSession } from './http/session-routes.js';
import { serveStatic } from './http/static-files.js';
import type { Logger } from './log.js';
import { createNameService, type NameService } from './names/name-service.js';
import { hostUpstreams, type Upstream } from './names/upstream-resolvers.js';
import { createStdinRegistry } from './processes/stdin-registry.js';
import { appRouter } from './router/root.js';
import { createStatsSampler } from './stats/stats-sampler.js';
import { createStoreUsage } from './stats/store-usage.js';
import { createTerminalManager } from './terminals/terminal-manager.js';
import { serveTerminalSocket } from './terminals/terminal-socket.js';
import type { TlsCredentials } from './tls/tls-credentials.js';
import type { AgentContext } from './trpc/context.js';

export interface AgentOptions {
  root: string;
  host: string;
  port: number;
  /**
   * Also serve on this unix socket (mode 0660, root's), with the same authentication:
   * reaching the socket is not enough, a client still needs the token.
   */
  socketPath?: string;
  /**
   * Serve HTTPS and WSS on the TCP port with this certificate, and mark the session
   * cookie `Secure`. The unix socket stays plain: it never leaves the machine.
   */
  tls?: Pick<TlsCredentials, 'cert' | 'key'>;
  /** The dashboard's static export; the agent serves it at `/`. */
  webDirectory: string;
  /**
   * Browser origins (`http://localhost:3000`) trusted as if they were the agent's own,
   * for a dev server that proxies `/api` and rewrites Host. Exact origins only.
   */
  allowedOrigins?: readonly string[];
  version: string;
  log: Logger;
  /** How long a browser session lasts from sign-in (12 hours). */
  sessionLifetimeMs?: number;
  /** How long a request other than an image upload may take to arrive whole (30 s). */
  requestTimeoutMs?: number;
  /** How long an image upload may go without receiving a byte before it is dropped (60 s). */
  uploadStallMs?: number;
  /** The network of a container created without one (bridge). */
  defaultNetwork?: NetworkMode;
  /** The bridge's subnet instead of the one kept in the store. */
  bridgeSubnet?: string;
  /** Record each start's steps and calls (default: yes). */
  trace?: boolean;
  /** Where Cove's DNS forwards names it does not own (default: the host's resolv.conf). */
  dnsUpstreams?: Upstream[];
}

export interface RunningAgent {
  url: string;
  /** The unix socket it also listens on, when asked to. */
  socketPath: string | undefined;
  token: string;
  tokenCreated: boolean;
  /** A one-click sign-in link with a one-time code (never the token). */
  signInLink(): string;
  /**
   * Stops accepting, removes the socket file, closes terminal sessions, ends warm
   * processes. Containers keep running.
   */
  close(): Promise<void>;
}

const maxRequestBytes = 1024 * 1024;

/** The request's path, or undefined when its target is not a URL at all. */
function requestPath(request: IncomingMessage): string | undefined {
  try {
    return new URL(request.url ?? '/', 'http://agent').pathname;
  } catch {
    return undefined;
  }
}

/** unix(7): sun_path holds 108 bytes, the terminating NUL included. */
const maxSocketPathBytes = 107;

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { log } = options;
  const allowedOrigins: ReadonlySet<string> = new Set(options.allowedOrigins);
  const { token, created } = loadOrCreateToken(options.root);
  const sessionSockets = createSessionSockets((id) => sessions.isValid(id));
  const sessions = createSessions(token, {
    lifetimeMs: options.sessionLifetimeMs,
    onEnd: (id) => sessionSockets.end(id),
  });
  const signInAttempts = createRateLimiter(10, 60_000);
  const events = createEventBus();
  let terminals: ReturnType<typeof createTerminalManager> | undefined;
  let names: NameService | undefined;
  const engine = createEngine({
    root: options.root,
    supervise: true,
    defaultNetwork: options.defaultNetwork,
    bridgeSubnet: options.bridgeSubnet,
    trace: options.trace ?? true,
    onEvent: (event) => {
      names?.changed();
      events.publish(event);
      log.info(`container.${event.type}`, {
        id: event.containerId.slice(0, 12),
        name: event.name,
        exitCode: event.exitCode,
      });
    },
    onStart: (record, running) => terminals?.adopt(record, running),
    onAdoptTerminal: (record, terminal) => terminals?.adoptTerminal(record, terminal),
  });
  terminals = createTerminalManager(engine, koffiLibc);
  const stats = createStatsSampler(engine, events, log);
  await engine.reconcile();
  stats.start();
  const nameService = createNameService({
    engine,
    upstreams: options.dnsUpstreams ?? hostUpstreams(),
    log,
  });
  names = nameService;
  await nameService.sync();

  const context: AgentContext = {
    engine,
    stats,
    storeUsage: createStoreUsage(engine.layout.root, log),
    events,
    terminals,
    names: nameService,
    stdin: createStdinRegistry(),
    log,
    version: options.version,
  };
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    maxBodySize: maxRequestBytes,
    createContext: () => context,
  });

  const refuse = (response: ServerResponse, status: number, message: string) =>
    response
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: message }));

  const routeRequest = (request: IncomingMessage, response: ServerResponse) => {
    const cancelDeadline = limitRequestTime(request, response, options.requestTimeoutMs ?? 30_000);
    const path = requestPath(request);
    if (path === undefined) {
      refuse(response, 400, 'bad request target');
      return;
    }
    if (!path.startsWith('/api/')) {
      serveStatic(options.webDirectory, request, response);
      return;
    }
    if (request.method !== 'GET' && !isSameOrigin(request, allowedOrigins)) {
      refuse(response, 403, 'cross-origin requests are refused');
      return;
    }
    if (path === '/api/session') {
      const secureCookie = options.tls !== undefined;
      handleSession(request, response, sessions, signInAttempts.allow, secureCookie).catch(
        (error) => {
          log.error('session.failed', { message: String(error) });
          if (!response.headersSent) refuse(response, 500, 'sign-in failed');
        },
      );
      return;
    }
    if (!credentialOf(request, token, sessions)) {
      refuse(
        response,
        401,
        'sign in first: send the agent token as "Authorization: Bearer <token>"',
      );
      return;
    }
    if (path.startsWith('/api/trpc/')) {
      trpcHandler(request, response);
      return;
    }
    if (path === '/api/images/import') {
      // Authenticated uploads are limited by progress instead: a large one on a slow link
      // takes minutes.
      cancelDeadline();
      const stallMs = options.uploadStallMs ?? 60_000;
      handleImageUpload(request, response, engine, { stallMs, log }).catch((error) => {
        log.error('image.upload-failed', { message: String(error) });
      });
      return;
    }
    refuse(response, 404, `no API at ${path}`);
  };

  // The last line of defence: whatever a handler throws is logged and answered 500, and
  // never reaches the process, since any web page can make a browser send a request here.
  const handleRequest = (request: IncomingMessage, response: ServerResponse) => {
    try {
      routeRequest(request, response);
    } catch (error) {
      log.error('request.failed', { url: request.url, message: String(error) });
      if (!response.headersSent) refuse(response, 500, 'internal error');
      else response.destroy();
    }
  };

  // How each WebSocket upgrade authenticated, for the tRPC context of its connection.
  const upgradeCredentials = new WeakMap<IncomingMessage, Credential>();
  const trpcSockets = new WebSocketServer({ noServer: true, maxPayload: maxRequestBytes });
  const trpcWs = applyWSSHandler({
    wss: trpcSockets,
    router: appRouter,
    createContext: ({ req }): AgentContext => {
      const credential = upgradeCredentials.get(req);
      if (credential?.kind !== 'session') return context;
      return { ...context, sessionHolds: () => sessions.isValid(credential.sessionId) };
    },
    keepAlive: { enabled: true, pingMs: 20_000, pongWaitMs: 10_000 },
  });
  const terminalSockets = new WebSocketServer({ noServer: true, maxPayload: maxRequestBytes });

  // A frame the protocol forbids makes ws close the socket with a code and emit 'error',
  // which without a listener would end the process.
  const closedOnError = (ws: WebSocket) => ws.on('error', () => ws.terminate());
  // A socket opened with a browser session closes when the session ends; one opened with
  // the token is not a session's and stays.
  const accepted = (ws: WebSocket, credential: Credential) => {
    closedOnError(ws);
    if (credential.kind === 'session') sessionSockets.add(credential.sessionId, ws);
  };

  const routeUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = requestPath(request);
    const deny = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (path === undefined) return deny('400 Bad Request');
    if (!isSameOrigin(request, allowedOrigins)) return deny('403 Forbidden');
    const credential = credentialOf(request, token, sessions);
    if (!credential) return deny('401 Unauthorized');
    if (path === '/api/trpc') {
      upgradeCredentials.set(request, credential);
      trpcSockets.handleUpgrade(request, socket, head, (ws) => {
        accepted(ws, credential);
        trpcSockets.emit('connection', ws, request);
      });
      return;
    }
    const terminal = /^\/api\/terminals\/([0-9a-f]{32})$/.exec(path);
    if (terminal?.[1] && terminals) {
      const id = terminal[1];
      const manager = terminals;
      terminalSockets.handleUpgrade(request, socket, head, (ws) => {
        accepted(ws, credential);
        serveTerminalSocket(ws, id, manager);
      });
      return;
    }
    deny('404 Not Found');
  };
  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      routeUpgrade(request, socket, head);
    } catch (error) {
      log.error('upgrade.failed', { url: request.url, message: String(error) });
      socket.destroy();
    }
  };

  // TCP and the unix socket are two doors to the same handlers, authentication included;
  // with TLS the same handlers answer HTTPS, and upgrades to WSS.
  const serve = <T extends Server | HttpsServer>(httpServer: T): T => {
    // Node's requestTimeout is one wall clock for every request's body, an image upload's
    // included; routeRequest sets the limits instead (limitRequestTime, whenBodyStalls).
    httpServer.requestTimeout = 0;
    httpServer.headersTimeout = 10_000;
    httpServer.on('upgrade', handleUpgrade);
    return httpServer;
  };
  const { tls } = options;
  const server = serve(
    tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key }, handleRequest)
      : createServer(handleRequest),
  );
  const { socketPath } = options;
  const unix =
    socketPath === undefined
      ? undefined
      : { path: socketPath, server: serve(createServer(handleRequest)) };
  let socketFile: { path: string; identity: Stats } | undefined;

  const shutdown = async () => {
    stats.stop();
    sessions.close();
    trpcWs.broadcastReconnectNotification();
    terminals?.closeAll();
    for (const client of [...trpcSockets.clients, ...terminalSockets.clients]) client.terminate();
    // Before the listener closes: while it is bound, no other file can get its inode number.
    if (socketFile) removeOwnSocket(socketFile.path, socketFile.identity);
    const closed = [server, unix?.server].map(
      (each) => new Promise<void>((resolve) => (each ? each.close(() => resolve()) : resolve())),
    );
    server.closeAllConnections();
    unix?.server.closeAllConnections();
    await Promise.all(closed);
    await nameService.close();
    await engine.close();
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    if (unix) {
      socketFile = { path: unix.path, identity: await listenOnUnixSocket(unix.server, unix.path) };
    }
  } catch (error) {
    await shutdown();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  log.info('agent.listening', { url, socket: socketFile?.path, root: options.root });

  return {
    url,
    socketPath: socketFile?.path,
    token,
    tokenCreated: created,
    signInLink: () => `${url}/signin#code=${sessions.issueCode()}`,
    async close() {
      await shutdown();
      log.info('agent.stopped', {});
    },
  };
}

/**
 * Listens on `path` with mode 0660 and no moment when anyone else could connect: bind(2)
 * creates the file with the umask's mode, so the socket is bound inside a fresh 0700
 * directory, chmod'ed there, and only then hard-linked into place. link(2) never
 * replaces an existing file; a stale socket at `path` is removed first, anything else
 * there is refused. Returns the socket file's identity, to remove only our own later.
 */
async function listenOnUnixSocket(server: Server, path: string): Promise<Stats> {
  const directory = dirname(path);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o755 });
    await removeStaleSocket(path);
    const staging = mkdtempSync(join(directory, '.cove-'));
    try {
      const bound = join(staging, 's');
      if (Math.max(Buffer.byteLength(path), Buffer.byteLength(bound)) > maxSocketPathBytes) {
        throw new CoveError(
          `the path is too long: unix(7) allows ${maxSocketPathBytes} bytes, to this path and to ${bound}, where the socket is bound first`,
        );
      }
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(bound, () => {
          server.off('error', reject);
          resolve();
        });
      });
      chmodSync(bound, 0o660);
      linkSync(bound, path);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return lstatSync(path);
  } catch (error) {
    throw new CoveError(`listening on the unix socket ${path}: ${(error as Error).message}`, 125, {
      cause: error,
    });
  }
}

/** A socket left by an agent that died is removed; a live one, or any other file, is not. */
async function removeStaleSocket(path: string): Promise<void> {
  let found: Stats;
  try {
    found = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!found.isSocket()) {
    throw new CoveError('a file that is not a socket is there: refusing to replace it');
  }
  if (await socketAnswers(path)) {
    throw new CoveError('another process listens on it (is an agent already running?)');
  }
  unlinkSync(path);
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve(false) : reject(error),
    );
  });
}

/** Removes the socket file only if it is still the one this agent made. */
function removeOwnSocket(path: string, identity: Stats): void {
  try {
    const found = lstatSync(path);
    if (found.isSocket() && found.dev === identity.dev && found.ino === identity.ino) {
      unlinkSync(path);
    }
  } catch {
    // Already gone: whoever removed it wanted it gone too.
  }
}
