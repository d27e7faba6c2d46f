/**
 * Takes the one-time code from a sign-in link (`/signin#code=…`) and removes it from the
 * address bar and history at once. A fragment never reaches a server, and once used the
 * code must not linger where a screenshot or a shared URL could carry it.
 */
export function takeOneTimeCode(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const code = fragment.get('code');
  if (code === null) return null;
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}`);
  return code.trim() || null;
}
