import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CoveError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { type Digest, digestHex, sha256Digest } from './digest.js';
import type { ImagePaths } from './image-paths.js';

const blobPath = (paths: ImagePaths, digest: Digest) => join(paths.blobs, digestHex(digest));

/** Stores a manifest or config under its sha256, checking it against `expected` first. */
export function writeBlob(paths: ImagePaths, bytes: Buffer, expected?: Digest): Digest {
  const digest = sha256Digest(bytes);
  if (expected && digest !== expected) {
    throw new CoveError(`content is ${digest}, not the expected ${expected}: refusing to store it`);
  }
  const path = blobPath(paths, digest);
  if (!existsSync(path)) {
    mkdirSync(paths.blobs, { recursive: true, mode: 0o700 });
    writeFileAtomic(path, bytes, 0o600);
  }
  return digest;
}

/** Reads a blob back, checking it again: these are small, and a damaged one says so. */
export function readBlob(paths: ImagePaths, digest: Digest): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(blobPath(paths, digest));
  } catch {
    throw new CoveError(`${digest} is missing from the image store`);
  }
  if (sha256Digest(bytes) !== digest) {
    throw new CoveError(`${digest} in the image store is damaged: its content no longer matches`);
  }
  return bytes;
}

export function removeBlob(paths: ImagePaths, digest: Digest): void {
  rmSync(blobPath(paths, digest), { force: true });
}
