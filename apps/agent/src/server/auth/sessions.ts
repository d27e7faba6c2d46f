import { randomBytes } from 'node:crypto';
import { secretsEqual } from './agent-token.js';

const defaultSessionLifetimeMs = 12 * 60 * 60 * 1000;
const codeLifetimeMs = 5 * 60 * 1000;
/** setTimeout(2) takes a 32-bit delay: anything longer fires at once. */
const maxTimerMs = 2 ** 31 - 1;

export interface SessionOptions {
  /** How long a session lasts from sign-in (12 hours). */
  lifetimeMs?: number;
  /**
   * Told of every session that ends, signed out or expired, at the moment it does: what
   * was opened with it (WebSockets) must not outlive it.
   */
  onEnd?: (sessionId: string) => void;
}

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
  /** How long a new session lasts, for the cookie's Max-Age. */
  readonly lifetimeMs: number;
  /** Forgets every session without telling `onEnd`: the agent is stopping. */
  close(): void;
}

export function createSessions(agentToken: string, options: SessionOptions = {}): Sessions {
  const { lifetimeMs = defaultSessionLifetimeMs, onEnd } = options;
  if (!(lifetimeMs > 0 && lifetimeMs <= maxTimerMs)) {
    throw new RangeError(`a session lifetime is 1 to ${maxTimerMs} ms, not ${lifetimeMs}`);
  }
  // Each session's expiry and a timer for it: the session ends on time, not at its next
  // use, so whatever was opened with it is closed when it expires.
  const sessions = new Map<string, { expires: number; timer: NodeJS.Timeout }>();
  const codes = new Map<string, number>();
  const end = (id: string) => {
    const session = sessions.get(id);
    if (session === undefined) return;
    clearTimeout(session.timer);
    sessions.delete(id);
    onEnd?.(id);
  };
  const newSession = () => {
    const id = randomBytes(32).toString('base64url');
    const timer = setTimeout(() => end(id), lifetimeMs).unref();
    sessions.set(id, { expires: Date.now() + lifetimeMs, timer });
    return id;
  };
  return {
    lifetimeMs,
    signIn({ token, code }) {
      if (token !== undefined) return secretsEqual(token, agentToken) ? newSession() : null;
      if (code === undefined) return null;
      let matched: string | undefined;
      for (const [candidate, expires] of codes) {
        if (expires < Date.now()) codes.delete(candidate);
        else if (secretsEqual(code, candidate)) matched = candidate;
      }
      if (!matched) return null;
      codes.delete(matched);
      return newSession();
    },
    isValid(sessionId) {
      const session = sessionId ? sessions.get(sessionId) : undefined;
      if (!sessionId || !session) return false;
      if (session.expires > Date.now()) return true;
      // The timer runs late when the event loop is busy; the expiry itself is never late.
      end(sessionId);
      return false;
    },
    signOut(sessionId) {
      if (sessionId) end(sessionId);
    },
    issueCode() {
      const code = randomBytes(18).toString('base64url');
      codes.set(code, Date.now() + codeLifetimeMs);
      return code;
    },
    close() {
      for (const { timer } of sessions.values()) clearTimeout(timer);
      sessions.clear();
    },
  };
}
