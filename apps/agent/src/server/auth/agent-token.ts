import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<root>/agent.token`: the one secret that opens the agent, 0600, made at first start. */
export function tokenPath(root: string): string {
  return join(root, 'agent.token');
}

/** Reads the token, creating it (atomically, 0600) on the first start. */
export function loadOrCreateToken(root: string): { token: string; created: boolean } {
  const path = tokenPath(root);
  try {
    const token = readFileSync(path, 'utf8').trim();
    chmodSync(path, 0o600);
    if (token.length >= 32) return { token, created: false };
  } catch {}
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return { token, created: true };
}

/**
 * Compares in constant time: both sides are hashed to the same length first, so
 * neither the content nor the length of the secret leaks through timing.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
