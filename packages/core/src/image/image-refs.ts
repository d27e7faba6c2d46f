import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.js';
import { type Digest, digestHex, isDigest, sha256Digest } from './digest.js';
import type { ImagePaths } from './image-paths.js';

/** A name in the store, and the image it stands for. Written last: it makes an image visible. */
export interface ImageRecord {
  /** As stored: `alpine:3.20`, `ghcr.io/owner/app:1`, `app@sha256:…`. */
  reference: string;
  manifestDigest: Digest;
  /** The image's id, as Docker counts it: the digest of its config. */
  configDigest: Digest;
  storedAt: string;
}

// Named by a hash of the reference: any reference is a valid, short file name.
const refPath = (paths: ImagePaths, reference: string) =>
  join(paths.refs, `${digestHex(sha256Digest(reference))}.json`);

function parseRecord(text: string): ImageRecord | undefined {
  try {
    const record = JSON.parse(text) as ImageRecord;
    const valid =
      typeof record.reference === 'string' &&
      isDigest(record.manifestDigest) &&
      isDigest(record.configDigest);
    return valid ? record : undefined;
  } catch {
    return undefined;
  }
}

export function readRef(paths: ImagePaths, reference: string): ImageRecord | undefined {
  try {
    const record = parseRecord(readFileSync(refPath(paths, reference), 'utf8'));
    return record?.reference === reference ? record : undefined;
  } catch {
    return undefined;
  }
}

export function writeRef(paths: ImagePaths, record: ImageRecord): void {
  mkdirSync(paths.refs, { recursive: true, mode: 0o700 });
  writeFileAtomic(refPath(paths, record.reference), JSON.stringify(record, null, 2));
}

export function removeRef(paths: ImagePaths, reference: string): void {
  rmSync(refPath(paths, reference), { force: true });
}

export function listRefs(paths: ImagePaths): ImageRecord[] {
  let names: string[];
  try {
    names = readdirSync(paths.refs).filter((name) => /^[0-9a-f]{64}\.json$/.test(name));
  } catch {
    return [];
  }
  return names
    .map((name) => {
      try {
        return parseRecord(readFileSync(join(paths.refs, name), 'utf8'));
      } catch {
        return undefined;
      }
    })
    .filter((record): record is ImageRecord => record !== undefined)
    .sort((a, b) => a.reference.localeCompare(b.reference));
}
