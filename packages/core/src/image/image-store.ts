import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_IMAGE, type ImageSummary } from '@cove/shared';
import { listRecords } from '../container/container-store.js';
import { CoveError } from '../errors.js';
import { containerPaths, type StoreLayout } from '../store/store-layout.js';
import { readBlob, removeBlob } from './blob-store.js';
import { buildBusyboxRootfs, busyboxConfig } from './busybox-image.js';
import { commitImage } from './commit-image.js';
import type { Digest } from './digest.js';
import { type ImageConfig, runtimeConfig, type StoredImage } from './image-config.js';
import { withImageLock } from './image-lock.js';
import { type ImagePaths, imagePaths } from './image-paths.js';
import {
  familiarName,
  normalizeReference,
  parseImageReference,
  storedReference,
} from './image-reference.js';
import { type ImageRecord, listRefs, readRef, removeRef } from './image-refs.js';
import {
  installLayerFromDirectory,
  layerLink,
  listLayerDigests,
  readLayer,
  removeLayer,
} from './layer-store.js';
import { type OciImageConfig, parseImageConfig } from './oci-schema.js';
import { manifestFor, ociConfigFrom } from './synthesized-image.js';

export const builtInBusybox = BUILT_IN_IMAGE;

/** The overlay mount's options are copied into one page by mount(2); the last byte is NUL. */
const mountOptionsLimit = 4095;

function readConfig(paths: ImagePaths, record: ImageRecord): OciImageConfig {
  return parseImageConfig(readBlob(paths, record.configDigest), `config of ${record.reference}`);
}

/** By name, or for `NAME@sha256:…` any stored name of that repository with that manifest. */
function findImage(paths: ImagePaths, text: string): ImageRecord | undefined {
  const reference = parseImageReference(text);
  const exact = readRef(paths, storedReference(reference));
  if (exact || !reference.digest) return exact;
  const name = familiarName(reference);
  return listRefs(paths).find(
    (record) =>
      record.manifestDigest === reference.digest &&
      (record.reference.startsWith(`${name}:`) || record.reference.startsWith(`${name}@`)),
  );
}

function checkMountOptionsFit(layout: StoreLayout, reference: string, lowers: string[]): void {
  const container = containerPaths(layout, '0'.repeat(64));
  const length =
    `lowerdir=${lowers.join(':')},upperdir=${container.upper},workdir=${container.work}`.length;
  if (length > mountOptionsLimit) {
    throw new CoveError(
      `image ${reference} has ${lowers.length} layers: its overlay mount options would take ${length} bytes, more than the kernel's ${mountOptionsLimit + 1}-byte page; use a store root with a shorter path (--root)`,
    );
  }
}

/**
 * The image `cove run` starts from: its layers as overlay lowers (topmost first) and its
 * config. The built-in busybox is made on first use and then stored like any other image.
 */
export async function getImage(layout: StoreLayout, text: string): Promise<StoredImage> {
  const paths = imagePaths(layout);
  const reference = parseImageReference(text);
  const stored = storedReference(reference);
  let record = findImage(paths, text);
  if (!record && stored === builtInBusybox) record = await installBuiltInBusybox(layout);
  if (!record) {
    throw new CoveError(
      `image ${stored} not found in the store: pull it (cove pull ${text}) or import it (cove image import FILE ${text})`,
    );
  }
  const config = readConfig(paths, record);
  const lowers = config.rootfs.diff_ids.map((diffId) => {
    if (!readLayer(paths, diffId)) {
      throw new CoveError(
        `image ${stored} is damaged: its layer ${diffId} is missing from the store; pull or import it again`,
      );
    }
    return layerLink(paths, diffId);
  });
  lowers.reverse();
  checkMountOptionsFit(layout, stored, lowers);
  return {
    name: familiarName(reference),
    tag: reference.tag ?? reference.digest ?? '',
    layers: lowers,
    config: runtimeConfig(config),
  };
}

/**
 * Stores a one-layer image whose root filesystem `build` lays out in a directory. The
 * layer is kept under the digest of its tar form, like a layer that came as a tar.
 */
export async function installImage(
  layout: StoreLayout,
  name: string,
  tag: string,
  config: ImageConfig,
  build: (rootfs: string) => void,
): Promise<ImageRecord> {
  const paths = imagePaths(layout);
  const reference = normalizeReference(`${name}:${tag}`);
  const layer = installLayerFromDirectory(paths, build);
  const oci = Buffer.from(
    JSON.stringify(ociConfigFrom(config, [layer.diffId], `cove: built ${reference}`), null, 2),
  );
  return commitImage(paths, reference, { config: oci, manifest: manifestFor(oci, [layer]) });
}

/** Under the lock, so that two first runs at once build busybox once. */
function installBuiltInBusybox(layout: StoreLayout): Promise<ImageRecord> {
  const paths = imagePaths(layout);
  return withImageLock(
    paths,
    () =>
      readRef(paths, builtInBusybox) ??
      installImage(layout, 'busybox', 'latest', busyboxConfig, (rootfs) =>
        buildBusyboxRootfs(rootfs),
      ),
  );
}

function imageSize(paths: ImagePaths, config: OciImageConfig): number {
  return config.rootfs.diff_ids.reduce(
    (total, diffId) => total + (readLayer(paths, diffId)?.sizeBytes ?? 0),
    0,
  );
}

export function listImages(layout: StoreLayout): ImageSummary[] {
  const paths = imagePaths(layout);
  return listRefs(paths).flatMap((record) => {
    let config: OciImageConfig;
    try {
      config = readConfig(paths, record);
    } catch {
      return [];
    }
    return [
      {
        reference: record.reference,
        digest: record.manifestDigest,
        sizeBytes: imageSize(paths, config),
        createdAt: config.created ?? record.storedAt,
      },
    ];
  });
}

export interface ImageDiskUsage {
  images: number;
  layers: number;
  /** File data of every layer in the store, each counted once however many images share it. */
  bytes: number;
}

export function imageDiskUsage(layout: StoreLayout): ImageDiskUsage {
  const paths = imagePaths(layout);
  const layers = listLayerDigests(paths).map((diffId) => readLayer(paths, diffId));
  let blobBytes = 0;
  try {
    for (const name of readdirSync(paths.blobs))
      blobBytes += statSync(join(paths.blobs, name)).size;
  } catch {}
  return {
    images: listRefs(paths).length,
    layers: layers.length,
    bytes: layers.reduce((total, layer) => total + (layer?.sizeBytes ?? 0), blobBytes),
  };
}

function sameImage(containerImage: string, reference: string): boolean {
  try {
    return normalizeReference(containerImage) === reference;
  } catch {
    return false;
  }
}

export interface RemovedImage {
  reference: string;
  /** Layers no other image needed, deleted with it. */
  removedLayers: Digest[];
}

/**
 * Removes an image's name and then whatever of it no other name needs: its manifest,
 * config and layers. Refused while any container, running or not, was made from it.
 */
export async function removeImage(layout: StoreLayout, text: string): Promise<RemovedImage> {
  const paths = imagePaths(layout);
  const reference = normalizeReference(text);
  const users = listRecords(layout).filter((record) => sameImage(record.spec.image, reference));
  if (users.length) {
    const names = users.map((record) => `${record.name} (${record.state.status})`).join(', ');
    throw new CoveError(
      `image ${reference} is used by ${users.length === 1 ? 'container' : 'containers'} ${names}: remove ${users.length === 1 ? 'it' : 'them'} first (cove rm)`,
    );
  }
  return withImageLock(paths, () => {
    const record = readRef(paths, reference);
    if (!record) throw new CoveError(`no such image: ${reference}`);
    const removed = readConfig(paths, record);
    removeRef(paths, reference);
    const remaining = listRefs(paths);
    const needed = new Set<string>();
    for (const other of remaining) {
      needed.add(other.manifestDigest);
      needed.add(other.configDigest);
      try {
        for (const diffId of readConfig(paths, other).rootfs.diff_ids) needed.add(diffId);
      } catch {}
    }
    if (!needed.has(record.manifestDigest)) removeBlob(paths, record.manifestDigest);
    if (!needed.has(record.configDigest)) removeBlob(paths, record.configDigest);
    const removedLayers = [...new Set(removed.rootfs.diff_ids)].filter((d) => !needed.has(d));
    for (const diffId of removedLayers) removeLayer(paths, diffId);
    return { reference, removedLayers };
  });
}
