/** A `WWW-Authenticate` challenge (RFC 7235): a scheme and its parameters. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
 * scope="repository:library/alpine:pull"` or `Basic realm="Registry"`.
 */
export function parseAuthChallenge(header: string | null): AuthChallenge | undefined {
  const match = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const param of (match[2] ?? '').matchAll(pattern)) {
    const key = param[1]?.toLowerCase();
    if (key)
      params[key] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : (param[3] ?? '');
  }
  return { scheme: match[1].toLowerCase(), params };
}
