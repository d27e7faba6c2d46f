import {
  createTRPCClient,
  createWSClient,
  httpLink,
  splitLink,
  type TRPCClient,
  wsLink,
} from '@trpc/client';
import { WebSocket } from 'ws';
import { unixSocketFetch } from '../../client/unix-socket-fetch.js';
import type { AppRouter } from '../../server/router/root.js';
import { CliError } from '../cli-error.js';
import type { AgentAddress } from './agent-address.js';

export interface AgentConnection {
  address: AgentAddress;
  client: TRPCClient<AppRouter>;
  /** The WebSocket of a terminal session, authenticated. */
  terminalSocket(sessionId: string): WebSocket;
  /** A plain HTTP request to the agent (an image upload), authenticated. */
  fetch(path: string, init: RequestInit): Promise<Response>;
  /** Calls back when the WebSocket to the agent fails or closes; returns the way to stop. */
  onConnectionLost(listener: (error: Error) => void): () => void;
  close(): void;
}

/**
 * The CLI's tRPC client: queries and mutations over HTTP, subscriptions over one
 * WebSocket opened on first use; the bearer token on both.
 */
export function connectToAgent(address: AgentAddress): AgentConnection {
  const authorization = `Bearer ${address.token}`;
  const fetchFn = address.socketPath ? unixSocketFetch(address.socketPath) : fetch;
  const lostListeners = new Set<(error: Error) => void>();
  const rejectClosed = (error: Error) => {
    for (const listener of [...lostListeners]) listener(error);
  };
  let closing = false;
  class AuthenticatedSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { authorization } });
      this.once('unexpected-response', (_request, response) => {
        rejectClosed(
          new CliError(
            response.statusCode === 401
              ? `the agent at ${address.shown} refused the token (401): is COVE_TOKEN or the store's agent.token this agent's?`
              : `the agent at ${address.shown} refused the WebSocket (${response.statusCode})`,
          ),
        );
      });
      this.once('error', (error) => rejectClosed(unreachable(address, error)));
    }
  }
  const wsClient = createWSClient({
    url: `${address.wsBase}/api/trpc`,
    WebSocket: AuthenticatedSocket as never,
    lazy: { enabled: true, closeMs: 0 },
    retryDelayMs: () => 60_000,
    onClose: () => {
      if (!closing)
        rejectClosed(new CliError(`the connection to the agent at ${address.shown} closed`));
    },
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpLink({
          url: `${address.httpBase}/api/trpc`,
          headers: { authorization },
          fetch: fetchFn as typeof fetch,
        }),
      }),
    ],
  });
  return {
    address,
    client,
    terminalSocket: (sessionId) =>
      new WebSocket(`${address.wsBase}/api/terminals/${sessionId}`, { headers: { authorization } }),
    fetch: (path, init) =>
      fetchFn(`${address.httpBase}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization },
      }),
    onConnectionLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    close: () => {
      closing = true;
      wsClient.close();
    },
  };
}

/** Node's codes for a certificate it does not trust (self-signed, unknown issuer). */
const untrustedCertificate = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** "connection refused" said the way a person can act on. */
export function unreachable(address: AgentAddress, error: unknown): CliError {
  // fetch() wraps the socket's error in its `cause`.
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code && untrustedCertificate.has(code)) {
    return new CliError(
      `the Cove agent at ${address.shown} has a certificate this machine does not trust (${code}): compare its SHA-256 fingerprint with the one \`cove agent --tls\` printed, then run with NODE_EXTRA_CA_CERTS=ROOT/tls/agent.crt`,
    );
  }
  const why =
    code === 'ECONNREFUSED' || code === 'ENOENT'
      ? 'nothing listens there'
      : code === 'EACCES'
        ? 'permission denied'
        : ((error as Error | undefined)?.message ?? String(error));
  return new CliError(
    `cannot reach the Cove agent at ${address.shown} (${why}): start it with \`npm start\` or \`cove agent\`, or point COVE_URL at it`,
  );
}
