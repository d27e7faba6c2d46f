import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { CoveError } from '../errors.js';
import { koffiLibc } from '../libc/koffi-libc.js';
import type { Libc } from '../libc/libc.js';
import { type Digest, DigestCounter, digestHex, isDigest } from './digest.js';
import type { ImagePaths } from './image-paths.js';
import { extractLayer } from './layer-extract.js';
import { createStaging } from './staging.js';
import type { TarLimits } from './tar-reader.js';
import { directoryTar } from './tar-writer.js';

/** What the store knows about an unpacked layer, kept beside it in `layer.json`. */
export interface LayerRecord {
  /** sha256 of the layer's uncompressed tar: the OCI "diff ID" image configs list. */
  diffId: Digest;
  /** Bytes of file data in it: what it costs on disk, roughly. */
  sizeBytes: number;
  /** Bytes of its uncompressed tar. */
  tarBytes: number;
}

export const layerDirectory = (paths: ImagePaths, diffId: Digest) =>
  join(paths.layers, digestHex(diffId));

export function readLayer(paths: ImagePaths, diffId: Digest): LayerRecord | undefined {
  try {
    const record = JSON.parse(
      readFileSync(join(layerDirectory(paths, diffId), 'layer.json'), 'utf8'),
    ) as LayerRecord;
    return record.diffId === diffId ? record : undefined;
  } catch {
    return undefined;
  }
}

const shortName = (diffId: Digest) => digestHex(diffId).slice(0, 16);

/**
 * The layer's path as the overlay mount names it: `images/l/<16 hex digits>`, a symlink
 * to its directory (overlayfs follows it when it resolves lowerdir). The link is made
 * when missing and checked when present, so two layers sharing 64 bits of digest would
 * be an error, not a mix-up.
 */
export function layerLink(paths: ImagePaths, diffId: Digest): string {
  const link = join(paths.links, shortName(diffId));
  const target = join('..', 'layers', digestHex(diffId), 'diff');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const existing = readlinkSync(link);
      if (existing === target) return link;
      throw new CoveError(`layer link ${link} points at ${existing}, not at ${diffId}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    mkdirSync(paths.links, { recursive: true, mode: 0o700 });
    try {
      symlinkSync(target, link);
      return link;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return link;
}

/** syncfs(2): a layer's files reach the disk before its name says it is whole. */
function flushToDisk(libc: Libc, directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    libc.syncfs(fd, directory);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves a finished layer into place with one rename: a layer directory exists whole or
 * not at all. If another process stored the same layer first, theirs is as good.
 */
function commitLayer(libc: Libc, paths: ImagePaths, staging: string, record: LayerRecord): void {
  writeFileSync(join(staging, 'layer.json'), JSON.stringify(record, null, 2), { mode: 0o600 });
  flushToDisk(libc, staging);
  mkdirSync(paths.layers, { recursive: true, mode: 0o700 });
  try {
    renameSync(staging, layerDirectory(paths, record.diffId));
  } catch (error) {
    if (!readLayer(paths, record.diffId)) throw error;
  }
  layerLink(paths, record.diffId);
}

export interface InstallLayerOptions {
  libc: Libc;
  limits: TarLimits;
  /** The diff ID the image config lists: the unpacked content must hash to it. */
  expectedDiffId?: Digest;
  /** A check once the stream is read, before its diff ID: e.g. of the compressed blob's digest. */
  verify?: () => void;
}

/**
 * Unpacks an uncompressed layer tar into the store, hashing it on the way; the layer is
 * kept only if its digest is the one expected.
 */
export async function installLayer(
  paths: ImagePaths,
  tar: AsyncIterable<Buffer>,
  options: InstallLayerOptions,
): Promise<{ record: LayerRecord; warnings: string[] }> {
  const staging = createStaging(paths, 'layer');
  try {
    const diff = join(staging, 'diff');
    mkdirSync(diff, { mode: 0o755 });
    const counter = new DigestCounter();
    const { sizeBytes, warnings } = await extractLayer(counter.tap(tar), diff, options);
    options.verify?.();
    const diffId = counter.digest();
    if (options.expectedDiffId && diffId !== options.expectedDiffId) {
      throw new CoveError(
        `layer content hashes to ${diffId}, but the image config lists ${options.expectedDiffId}: the layer was altered or damaged`,
      );
    }
    const record: LayerRecord = { diffId, sizeBytes, tarBytes: counter.bytes };
    commitLayer(options.libc, paths, staging, record);
    return { record, warnings };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Stores a layer that `build` lays out in a directory, under the digest of its tar form. */
export function installLayerFromDirectory(
  paths: ImagePaths,
  build: (directory: string) => void,
  libc: Libc = koffiLibc,
): LayerRecord {
  const staging = createStaging(paths, 'build');
  try {
    const diff = join(staging, 'diff');
    mkdirSync(diff, { mode: 0o755 });
    build(diff);
    const counter = new DigestCounter();
    const totals = { fileBytes: 0 };
    for (const chunk of directoryTar(diff, totals)) counter.update(chunk);
    const record: LayerRecord = {
      diffId: counter.digest(),
      sizeBytes: totals.fileBytes,
      tarBytes: counter.bytes,
    };
    commitLayer(libc, paths, staging, record);
    return record;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Renames the layer out of the store first, so no half-deleted layer is ever in it. */
export function removeLayer(paths: ImagePaths, diffId: Digest): void {
  rmSync(join(paths.links, shortName(diffId)), { force: true });
  const trash = createStaging(paths, 'trash');
  try {
    renameSync(layerDirectory(paths, diffId), join(trash, 'layer'));
  } catch {}
  rmSync(trash, { recursive: true, force: true });
}

export function listLayerDigests(paths: ImagePaths): Digest[] {
  try {
    return readdirSync(paths.layers)
      .map((name) => `sha256:${name}`)
      .filter(isDigest);
  } catch {
    return [];
  }
}
