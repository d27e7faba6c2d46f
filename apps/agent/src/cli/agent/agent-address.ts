import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';

/** Where the agent listens, and the token it wants. */
export interface AgentAddress {
  /** http://HOST:PORT, or http://localhost for a unix socket. */
  httpBase: string;
  /** ws://HOST:PORT, or ws+unix:PATH: for a unix socket. */
  wsBase: string;
  socketPath?: string;
  /** What a person should read in an error: the URL or the socket. */
  shown: string;
  token: string;
}

/**
 * The local agent, found as the interface promises: `COVE_URL` (default
 * http://127.0.0.1:7777, or unix:///PATH for its socket), and the token from
 * `COVE_TOKEN` or the token file in the store (`--root`, `COVE_ROOT`, /var/lib/cove).
 */
export function findAgent(root: string, env: NodeJS.ProcessEnv = process.env): AgentAddress {
  const url = env.COVE_URL || 'http://127.0.0.1:7777';
  const token = env.COVE_TOKEN || readToken(root);
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/') || socketPath.includes(':')) {
      throw new CliError(
        `COVE_URL: a unix socket is unix:///ABSOLUTE/PATH without ':', not ${url}`,
      );
    }
    return {
      httpBase: 'http://localhost',
      wsBase: `ws+unix:${socketPath}:`,
      socketPath,
      shown: url,
      token,
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`COVE_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliError(`COVE_URL must be http://HOST:PORT, https://… or unix:///PATH, not ${url}`);
  }
  const httpBase = parsed.origin;
  return { httpBase, wsBase: httpBase.replace(/^http/, 'ws'), shown: httpBase, token };
}

function readToken(root: string): string {
  const path = join(root, 'agent.token');
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist: has the agent ever run on this store? Start it with `npm start` or `cove agent`'
        : code === 'EACCES'
          ? 'permission denied: run cove as root, or set COVE_TOKEN'
          : `${code}`;
    throw new CliError(`cannot read the agent's token ${path}: ${why}`);
  }
}
