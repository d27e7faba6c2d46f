import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The request's path with its %-escapes decoded, or undefined when they are not valid UTF-8 escapes or hold a NUL. */
function decodedPath(url: string | undefined): string | undefined {
  try {
    const pathname = decodeURIComponent(new URL(url ?? '/', 'http://x').pathname);
    return pathname.includes('\0') ? undefined : pathname;
  } catch {
    return undefined;
  }
}

/**
 * Serves the dashboard's static export (apps/web/out): `/x` is `x.html` or
 * `x/index.html`, and anything unknown gets the 404 page. Paths are normalised and must
 * stay inside the directory; the dashboard needs no other files.
 */
export function serveStatic(
  directory: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const pathname = decodedPath(request.url);
  if (pathname === undefined) {
    response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request path');
    return;
  }
  const relative = normalize(pathname).replace(/^(\.\.(\/|$))+/, '');
  const candidates = [
    join(directory, relative),
    join(directory, `${relative}.html`),
    join(directory, relative, 'index.html'),
  ].filter((path) => path.startsWith(directory));
  const found = candidates.find(isFile);
  const file = found ?? join(directory, '404.html');
  if (!isFile(file)) {
    response
      .writeHead(404, { 'content-type': 'text/plain' })
      .end('the dashboard is not built: npm run build -w @cove/web');
    return;
  }
  response.writeHead(found ? 200 : 404, {
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    'cache-control': file.includes('/_next/static/')
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  createReadStream(file).pipe(response);
}
