import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readCookie, sessionCookie } from '../auth/authenticate.js';
import type { Sessions } from '../auth/sessions.js';
import { readJsonBody } from './read-body.js';

const SignInSchema = z.union([
  z.object({ token: z.string().min(1).max(256) }),
  z.object({ code: z.string().min(1).max(256) }),
]);

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The session cookie, `Secure` when the agent serves TLS: a browser then never sends it
 * over plain HTTP, where anyone on the path could read it.
 */
function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = `Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
  return `${sessionCookie}=${value}; ${attributes}${secure ? '; Secure' : ''}`;
}

/**
 * `/api/session`: POST trades the token (or a one-time code) for an httpOnly,
 * SameSite=Strict cookie; GET says whether the cookie is good; DELETE signs out.
 */
export async function handleSession(
  request: IncomingMessage,
  response: ServerResponse,
  sessions: Sessions,
  allowAttempt: (client: string) => boolean,
  secureCookie: boolean,
): Promise<void> {
  const current = readCookie(request, sessionCookie);
  if (request.method === 'GET') {
    if (sessions.isValid(current)) json(response, 200, { signedIn: true });
    else json(response, 401, { error: 'not signed in' });
    return;
  }
  if (request.method === 'DELETE') {
    sessions.signOut(current);
    response.writeHead(204, { 'set-cookie': cookie('', 0, secureCookie) }).end();
    return;
  }
  if (request.method !== 'POST') {
    json(response, 405, { error: 'use GET, POST or DELETE' });
    return;
  }
  if (!allowAttempt(request.socket.remoteAddress ?? '?')) {
    json(response, 429, { error: 'too many sign-in attempts: wait a minute' });
    return;
  }
  const parsed = SignInSchema.safeParse(await readJsonBody(request, 4096).catch(() => null));
  if (!parsed.success) {
    json(response, 400, { error: 'send {"token": "..."} or {"code": "..."}' });
    return;
  }
  const session = sessions.signIn(parsed.data);
  if (!session) {
    json(response, 401, { error: 'wrong token, or the sign-in link has expired' });
    return;
  }
  const maxAgeSeconds = Math.ceil(sessions.lifetimeMs / 1000);
  response.writeHead(204, { 'set-cookie': cookie(session, maxAgeSeconds, secureCookie) }).end();
}
