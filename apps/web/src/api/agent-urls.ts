/**
 * The agent serves the dashboard and its API from one origin, so every address is
 * relative to the page's own: cookies travel with each request and no CORS is involved.
 */
export const trpcHttpPath = '/api/trpc';
export const sessionPath = '/api/session';

export function trpcWebSocketUrl(): string {
  return `${webSocketOrigin()}/api/trpc`;
}

export function terminalWebSocketUrl(sessionId: string): string {
  return `${webSocketOrigin()}/api/terminals/${encodeURIComponent(sessionId)}`;
}

export function imageImportPath(reference: string): string {
  return `/api/images/import?reference=${encodeURIComponent(reference)}`;
}

function webSocketOrigin(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}`;
}
