import { sessionPath } from './agent-urls';

export type SessionState = 'signed-in' | 'signed-out';

/** GET /api/session: 200 when the cookie is valid, 401 otherwise. Throws when unreachable. */
export async function fetchSessionState(): Promise<SessionState> {
  const response = await fetch(sessionPath, { credentials: 'same-origin', cache: 'no-store' });
  if (response.ok) return 'signed-in';
  if (response.status === 401) return 'signed-out';
  throw new Error(`The agent answered ${response.status} ${response.statusText}`.trim());
}

export type SignInCredentials = { token: string } | { code: string };
export type SignInResult = 'signed-in' | 'rejected' | 'rate-limited';

/** POST /api/session: the agent sets an httpOnly cookie when the token or code is good. */
export async function signIn(credentials: SignInCredentials): Promise<SignInResult> {
  const response = await fetch(sessionPath, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.ok) return 'signed-in';
  if (response.status === 401) return 'rejected';
  if (response.status === 429) return 'rate-limited';
  throw new Error(`The agent answered ${response.status} ${response.statusText}`.trim());
}

export async function signOut(): Promise<void> {
  await fetch(sessionPath, { method: 'DELETE', credentials: 'same-origin' });
}
