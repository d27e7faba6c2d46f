import { CoveError } from '../errors.js';

const maxPathBytes = 4096;

/**
 * The path of an archive entry relative to the directory it unpacks into, or a refusal.
 * An absolute path or a ".." component can only be meant to write outside the layer, so
 * the whole archive is refused rather than the entry quietly moved. "." is the root.
 */
export function entryPath(name: string, what = 'archive entry'): string {
  if (name.startsWith('/')) {
    throw new CoveError(`${what} "${name}" has an absolute path: refusing the archive`);
  }
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    throw new CoveError(`${what} "${name}" climbs out with "..": refusing the archive`);
  }
  if (Buffer.byteLength(name) > maxPathBytes) {
    throw new CoveError(`${what} "${name.slice(0, 64)}…" is longer than ${maxPathBytes} bytes`);
  }
  return parts.join('/') || '.';
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
