import type { IncomingMessage } from 'node:http';
import { secretsEqual } from './agent-token.js';
import type { Sessions } from './sessions.js';

export const sessionCookie = 'cove_session';

export function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** How a request authenticated: the agent token, or the browser session it names. */
export type Credential = { kind: 'token' } | { kind: 'session'; sessionId: string };

/**
 * Who may call: the CLI and scripts with `Authorization: Bearer <token>`, a browser with
 * the session cookie it got at sign-in. Nothing else, for HTTP and WebSocket alike.
 */
export function credentialOf(
  request: IncomingMessage,
  token: string,
  sessions: Sessions,
): Credential | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    return secretsEqual(header.slice(7).trim(), token) ? { kind: 'token' } : undefined;
  }
  const sessionId = readCookie(request, sessionCookie);
  return sessionId && sessions.isValid(sessionId) ? { kind: 'session', sessionId } : undefined;
}

export function isAuthenticated(
  request: IncomingMessage,
  token: string,
  sessions: Sessions,
): boolean {
  return credentialOf(request, token, sessions) !== undefined;
}

/**
 * A browser always sends Origin on a WebSocket upgrade and on a cross-site POST; a page
 * of another site must not drive the agent with the user's cookie (cross-site WebSocket
 * hijacking). Same origin means the Origin's host is the Host the request was sent to,
 * or the Origin is, character for character, one the agent was told to trust
 * (`--allow-origin`: a dev server's proxy rewrites Host). The scheme is not compared:
 * with `--tls` the agent's pages are https://, and behind a proxy that terminates TLS
 * they are https:// while the agent itself speaks HTTP. Clients that are not browsers
 * send no Origin and authenticate with the token.
 */
export function isSameOrigin(
  request: IncomingMessage,
  allowedOrigins: ReadonlySet<string>,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.has(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
