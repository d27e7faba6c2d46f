import { isIP } from 'node:net';
import { CoveError } from '../errors.js';
import { dockerHub } from './image-reference.js';

/** `127.0.0.1:5000` → `127.0.0.1`, `[::1]:5000` → `::1`. */
export function hostOf(registry: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(registry);
  if (bracketed?.[1]) return bracketed[1];
  return registry.replace(/:\d+$/, '');
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Where a registry's API answers. HTTPS always, except that `--insecure` allows plain
 * HTTP to a registry on this machine: anywhere else, plain HTTP would hand the image and
 * any credentials to whoever sits on the network.
 */
export function registryBaseUrl(registry: string, insecure: boolean): URL {
  if (insecure && !isLoopback(hostOf(registry))) {
    throw new CoveError(
      `--insecure (plain HTTP) is only allowed for a registry on this machine (localhost, 127.0.0.0/8, ::1), not ${registry}`,
    );
  }
  const host = registry === dockerHub ? 'registry-1.docker.io' : registry;
  return new URL(`${insecure ? 'http' : 'https'}://${host}`);
}
