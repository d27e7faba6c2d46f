import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createEngine, koffiLibc } from '@cove/core';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { loadOrCreateToken } from './auth/agent-token.js';
import { isAuthenticated, isSameOrigin } from './auth/authenticate.js';
import { createRateLimiter } from './auth/rate-limiter.js';
import { createSessions } from './auth/sessions.js';
import { createEventBus } from './events/event-bus.js';
import { handleImageUpload } from './http/image-upload.js';
import { handleSession } from './http/session-routes.js';
import { serveStatic } from './http/static-files.js';
import type { Logger } from './log.js';
import { appRouter } from './router/root.js';
import { createStatsSampler } from './stats/stats-sampler.js';
import { createTerminalManager } from './terminals/terminal-manager.js';
import { serveTerminalSocket } from './terminals/terminal-socket.js';
import type { AgentContext } from './trpc/context.js';

export interface AgentOptions {
  root: string;
  host: string;
  port: number;
  /** The dashboard's static export; the agent serves it at `/`. */
  webDirectory: string;
  version: string;
  log: Logger;
}

export interface RunningAgent {
  url: string;
  token: string;
  tokenCreated: boolean;
  /** A one-click sign-in link with a one-time code (never the token). */
  signInLink(): string;
  /** Stops accepting, closes terminal sessions, ends warm processes. Containers keep running. */
  close(): Promise<void>;
}

const maxRequestBytes = 1024 * 1024;

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { log } = options;
  const { token, created } = loadOrCreateToken(options.root);
  const sessions = createSessions(token);
  const signInAttempts = createRateLimiter(10, 60_000);
  const events = createEventBus();
  let terminals: ReturnType<typeof createTerminalManager> | undefined;
  const engine = createEngine({
    root: options.root,
    supervise: true,
    onEvent: (event) => {
      events.publish(event);
      log.info(`container.${event.type}`, {
        id: event.containerId.slice(0, 12),
        name: event.name,
        exitCode: event.exitCode,
      });
    },
    onStart: (record, running) => terminals?.adopt(record, running),
  });
  terminals = createTerminalManager(engine, koffiLibc);
  const stats = createStatsSampler(engine, events, log);
  await engine.reconcile();
  stats.start();

  const context: AgentContext = { engine, stats, events, terminals, log, version: options.version };
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

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://agent').pathname;
    if (!path.startsWith('/api/')) {
      serveStatic(options.webDirectory, request, response);
      return;
    }
    if (request.method !== 'GET' && !isSameOrigin(request)) {
      refuse(response, 403, 'cross-origin requests are refused');
      return;
    }
    if (path === '/api/session') {
      handleSession(request, response, sessions, signInAttempts.allow).catch((error) => {
        log.error('session.failed', { message: String(error) });
        if (!response.headersSent) refuse(response, 500, 'sign-in failed');
      });
      return;
    }
    if (!isAuthenticated(request, token, sessions)) {
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
      handleImageUpload(request, response, engine).catch((error) => {
        log.error('image.upload-failed', { message: String(error) });
      });
      return;
    }
    refuse(response, 404, `no API at ${path}`);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const trpcSockets = new WebSocketServer({ noServer: true, maxPayload: maxRequestBytes });
  const trpcWs = applyWSSHandler({
    wss: trpcSockets,
    router: appRouter,
    createContext: () => context,
    keepAlive: { enabled: true, pingMs: 20_000, pongWaitMs: 10_000 },
  });
  const terminalSockets = new WebSocketServer({ noServer: true, maxPayload: maxRequestBytes });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://agent').pathname;
    const deny = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!isSameOrigin(request)) return deny('403 Forbidden');
    if (!isAuthenticated(request, token, sessions)) return deny('401 Unauthorized');
    if (path === '/api/trpc') {
      trpcSockets.handleUpgrade(request, socket, head, (ws) =>
        trpcSockets.emit('connection', ws, request),
      );
      return;
    }
    const terminal = /^\/api\/terminals\/([0-9a-f]{32})$/.exec(path);
    if (terminal?.[1] && terminals) {
      const id = terminal[1];
      const manager = terminals;
      terminalSockets.handleUpgrade(request, socket, head, (ws) =>
        serveTerminalSocket(ws, id, manager),
      );
      return;
    }
    deny('404 Not Found');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  log.info('agent.listening', { url, root: options.root });

  return {
    url,
    token,
    tokenCreated: created,
    signInLink: () => `${url}/signin#code=${sessions.issueCode()}`,
    async close() {
      stats.stop();
      trpcWs.broadcastReconnectNotification();
      terminals?.closeAll();
      for (const client of [...trpcSockets.clients, ...terminalSockets.clients]) client.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      engine.close();
      log.info('agent.stopped', {});
    },
  };
}
