import type { z } from 'zod';

/**
 * JSON in localStorage or sessionStorage, checked with a schema on the way out: stored
 * data outlives the code that wrote it. Storage may be disabled or full; then reads give
 * the fallback and writes do nothing, and the dashboard works without remembering.
 */
export function readStoredJson<T>(
  storage: 'local' | 'session',
  key: string,
  schema: z.ZodType<T>,
  fallback: T,
): T {
  try {
    const text = pick(storage).getItem(key);
    if (text === null) return fallback;
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

export function writeStoredJson(storage: 'local' | 'session', key: string, value: unknown): void {
  try {
    pick(storage).setItem(key, JSON.stringify(value));
  } catch {
    // See above: forgetting is the accepted failure.
  }
}

function pick(storage: 'local' | 'session'): Storage {
  return storage === 'local' ? window.localStorage : window.sessionStorage;
}
