/**
 * At most `limit` sign-in attempts per client address per window: a guessed token costs
 * a lifetime, not a weekend. Successful sign-ins count too; the window is short.
 */
export function createRateLimiter(limit: number, windowMs: number, now = () => Date.now()) {
  const attempts = new Map<string, number[]>();
  return {
    /** Records an attempt; false when the client is over its limit. */
    allow(client: string): boolean {
      const since = now() - windowMs;
      const recent = (attempts.get(client) ?? []).filter((t) => t > since);
      recent.push(now());
      attempts.set(client, recent);
      return recent.length <= limit;
    },
  };
}
