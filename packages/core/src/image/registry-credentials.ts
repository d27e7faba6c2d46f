import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoveError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { StoreLayout } from '../store/store-layout.js';

export interface Credentials {
  username: string;
  password: string;
}

/** Docker's config.json shape: `{"auths": {"ghcr.io": {"auth": base64("user:password")}}}`. */
interface AuthFile {
  auths: Record<string, { auth: string }>;
}

export const credentialsPath = (layout: StoreLayout) => join(layout.root, 'auth.json');

function readAuthFile(layout: StoreLayout): AuthFile {
  let text: string;
  try {
    text = readFileSync(credentialsPath(layout), 'utf8');
  } catch {
    return { auths: {} };
  }
  try {
    const file = JSON.parse(text) as AuthFile;
    return file?.auths && typeof file.auths === 'object' ? file : { auths: {} };
  } catch {
    throw new CoveError(`${credentialsPath(layout)} is not valid JSON: fix or remove it`);
  }
}

/** Readable by root only (0600), replaced atomically. */
function writeAuthFile(layout: StoreLayout, file: AuthFile): void {
  mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  writeFileAtomic(credentialsPath(layout), `${JSON.stringify(file, null, 2)}\n`, 0o600);
}

export function readCredentials(layout: StoreLayout, registry: string): Credentials | undefined {
  const entry = readAuthFile(layout).auths[registry];
  if (!entry?.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function saveCredentials(
  layout: StoreLayout,
  registry: string,
  credentials: Credentials,
): void {
  const file = readAuthFile(layout);
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  file.auths[registry] = { auth };
  writeAuthFile(layout, file);
}

export function removeCredentials(layout: StoreLayout, registry: string): boolean {
  const file = readAuthFile(layout);
  if (!file.auths[registry]) return false;
  delete file.auths[registry];
  writeAuthFile(layout, file);
  return true;
}
