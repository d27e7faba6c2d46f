import { CoveError } from '../errors.js';
import type { StoreLayout } from '../store/store-layout.js';
import { dockerHub, parseImageReference } from './image-reference.js';
import { RegistryClient } from './registry-client.js';
import { type Credentials, removeCredentials, saveCredentials } from './registry-credentials.js';

/** `ghcr.io`, `127.0.0.1:5000`, or nothing for Docker Hub; a URL's scheme and path are dropped. */
export function parseRegistry(text: string | undefined): string {
  const host = (text ?? '').replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (!host || host === 'index.docker.io' || host === 'registry-1.docker.io') return dockerHub;
  const parsed = parseImageReference(`${host}/probe`);
  if (parsed.registry !== host) throw new CoveError(`"${text}" is not a registry host`);
  return host;
}

/**
 * `cove login`: checks the credentials against the registry (its token service, for
 * Bearer challenges) and only then stores them, readable by root only.
 */
export async function loginRegistry(
  layout: StoreLayout,
  registryText: string | undefined,
  credentials: Credentials,
  options: { insecure?: boolean } = {},
): Promise<{ registry: string }> {
  const registry = parseRegistry(registryText);
  if (!credentials.username || !credentials.password) {
    throw new CoveError('cove login needs a username and a password');
  }
  const client = new RegistryClient({ registry, credentials, insecure: options.insecure ?? false });
  await client.checkLogin();
  saveCredentials(layout, registry, credentials);
  return { registry };
}

export function logoutRegistry(
  layout: StoreLayout,
  registryText: string | undefined,
): { registry: string; removed: boolean } {
  const registry = parseRegistry(registryText);
  return { registry, removed: removeCredentials(layout, registry) };
}
