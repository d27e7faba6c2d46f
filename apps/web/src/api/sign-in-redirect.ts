/**
 * Where to go after signing in: a path on this origin only, so a crafted link cannot
 * send a freshly signed-in user to another site.
 */
export function safeNextPath(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

/** Leaves the dashboard for the sign-in page, remembering where the user was. */
export function redirectToSignIn(): void {
  if (window.location.pathname === '/signin') return;
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/signin?next=${encodeURIComponent(here)}`);
}
