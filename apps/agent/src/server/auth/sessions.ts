import { randomBytes } from 'node:crypto';
import { secretsEqual } from './agent-token.js';

const sessionLifetimeMs = 12 * 60 * 60 * 1000;
const codeLifetimeMs = 5 * 60 * 1000;

/**
 * Browser sessions and one-time sign-in codes, in memory: a restart of the agent signs
 * everyone out, which is the safe direction. The token itself is never put in a URL or
 * a cookie; the browser trades it (or a one-time code) for a session id once.
 */
export interface Sessions {
  /** A new session for a correct token or an unused, unexpired code; null otherwise. */
  signIn(credential: { token?: string; code?: string }): string | null;
  isValid(sessionId: string | undefined): boolean;
  signOut(sessionId: string | undefined): void;
  /** A code for a one-click sign-in link, valid once, for five minutes. */
  issueCode(): string;
}

export function createSessions(agentToken: string, now = () => Date.now()): Sessions {
  const sessions = new Map<string, number>();
  const codes = new Map<string, number>();
  const newSession = () => {
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, now() + sessionLifetimeMs);
    return id;
  };
  return {
    signIn({ token, code }) {
      if (token !== undefined) return secretsEqual(token, agentToken) ? newSession() : null;
      if (code === undefined) return null;
      let matched: string | undefined;
      for (const [candidate, expires] of codes) {
        if (expires < now()) codes.delete(candidate);
        else if (secretsEqual(code, candidate)) matched = candidate;
      }
      if (!matched) return null;
      codes.delete(matched);
      return newSession();
    },
    isValid(sessionId) {
      if (!sessionId) return false;
      const expires = sessions.get(sessionId);
      if (expires === undefined) return false;
      if (expires < now()) {
        sessions.delete(sessionId);
        return false;
      }
      return true;
    },
    signOut(sessionId) {
      if (sessionId) sessions.delete(sessionId);
    },
    issueCode() {
      const code = randomBytes(18).toString('base64url');
      codes.set(code, now() + codeLifetimeMs);
      return code;
    },
  };
}
