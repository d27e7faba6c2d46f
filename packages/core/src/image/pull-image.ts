import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PullProgress } from '@cove/shared';
import { formatBytes } from '@cove/shared';
import { CoveError, withContextAsync } from '../errors.js';
import { koffiLibc } from '../libc/koffi-libc.js';
import type { Libc } from '../libc/libc.js';
import type { StoreLayout } from '../store/store-layout.js';
import { downloadBlob } from './blob-download.js';
import { type Digest, digestHex, sha256Digest } from './digest.js';
import { imagePaths } from './image-paths.js';
import { parseImageReference, storedReference } from './image-reference.js';
import { platformWarnings } from './import-image.js';
import { readLayer } from './layer-store.js';
import {
  type Descriptor,
  type ImageManifest,
  parseImageConfig,
  parseManifestOrIndex,
} from './oci-schema.js';
import { hostPlatform, parsePlatform, selectManifest } from './platform.js';
import { RegistryClient, readLimited } from './registry-client.js';
import { readCredentials } from './registry-credentials.js';
import { createStaging, removeStaleStaging } from './staging.js';
import { storeImage } from './store-image.js';
import { defaultTarLimits, type TarLimits } from './tar-reader.js';

export interface PullOptions {
  /** Plain HTTP, allowed only for a registry on this machine. */
  insecure?: boolean;
  /** OS/ARCH[/VARIANT] to pick from a multi-platform image; the host's by default. */
  platform?: string;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
  limits?: Partial<TarLimits>;
  libc?: Libc;
}

export interface PullResult {
  reference: string;
  digest: Digest;
  id: Digest;
  warnings: string[];
}

const parallelDownloads = 3;

async function resolveManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  platform: string | undefined,
): Promise<{ bytes: Buffer; manifest: ImageManifest }> {
  const first = await client.getManifest(repository, reference);
  const parsed = parseManifestOrIndex(first.bytes, `manifest ${first.digest}`, first.contentType);
  if (parsed.kind === 'manifest') return { bytes: first.bytes, manifest: parsed.manifest };
  const wanted = platform ? parsePlatform(platform) : hostPlatform();
  const chosen = selectManifest(parsed.index.manifests, wanted, `${repository}:${reference}`);
  const second = await client.getManifest(repository, chosen.digest);
  const inner = parseManifestOrIndex(second.bytes, `manifest ${second.digest}`, second.contentType);
  if (inner.kind !== 'manifest')
    throw new CoveError(`${chosen.digest} is an index inside an index`);
  return { bytes: second.bytes, manifest: inner.manifest };
}

async function fetchConfig(
  client: RegistryClient,
  repository: string,
  descriptor: Descriptor,
): Promise<Buffer> {
  const response = await client.openBlob(repository, descriptor.digest, 0);
  const bytes = await readLimited(response, 4 * 1024 * 1024, 'the image config');
  if (sha256Digest(bytes) !== descriptor.digest) {
    throw new CoveError(`the image config ${descriptor.digest} arrived altered: refusing it`);
  }
  return bytes;
}

/** Runs `work` on every item, at most `limit` at a time; the first failure fails all. */
async function eachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Downloads the layers the store lacks, a few at a time, reporting the bytes received
 * across all of them; returns the totals.
 */
async function downloadLayers(
  client: RegistryClient,
  repository: string,
  layers: Descriptor[],
  fileFor: (layer: Descriptor) => string,
  options: { limits: TarLimits; progress: (update: PullProgress) => void; signal?: AbortSignal },
): Promise<{ bytes: number; totalBytes: number }> {
  const unique = [...new Map(layers.map((layer) => [layer.digest, layer])).values()];
  const huge = unique.find((layer) => layer.size > options.limits.maxBytes);
  if (huge) {
    throw new CoveError(
      `layer ${huge.digest} is ${formatBytes(huge.size)}, more than an image may unpack to: refusing it`,
    );
  }
  const totalBytes = unique.reduce((total, layer) => total + layer.size, 0);
  const received = new Map<string, number>();
  const sum = () => [...received.values()].reduce((a, b) => a + b, 0);
  await eachLimited(unique, parallelDownloads, (layer) =>
    downloadBlob(client, repository, layer, fileFor(layer), {
      ...(options.signal ? { signal: options.signal } : {}),
      onBytes: (bytes) => {
        received.set(layer.digest, bytes);
        options.progress({ phase: 'downloading', layer: layer.digest, bytes: sum(), totalBytes });
      },
    }),
  );
  return { bytes: sum(), totalBytes };
}

/**
 * `cove pull REF`: resolves the manifest (the host's platform from an index), downloads
 * the layers the store lacks (in parallel, resumed on a dropped connection, each checked
 * against its digest), unpacks them checked against the config's diff IDs, and commits
 * the image under its name. Nothing of a failed pull is left that looks like an image.
 */
export async function pullImage(
  layout: StoreLayout,
  text: string,
  options: PullOptions = {},
): Promise<PullResult> {
  const reference = parseImageReference(text);
  const stored = storedReference(reference);
  const paths = imagePaths(layout);
  const progress = (update: PullProgress) => options.onProgress?.(update);
  const client = new RegistryClient({
    registry: reference.registry,
    insecure: options.insecure ?? false,
    credentials: readCredentials(layout, reference.registry),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  removeStaleStaging(paths);
  const staging = createStaging(paths, 'pull');
  try {
    return await withContextAsync(`pulling ${stored}`, async () => {
      progress({ phase: 'resolving', bytes: 0, totalBytes: null });
      const { bytes, manifest } = await resolveManifest(
        client,
        reference.repository,
        reference.digest ?? reference.tag ?? 'latest',
        options.platform,
      );
      const config = await fetchConfig(client, reference.repository, manifest.config);
      const diffIds = parseImageConfig(config, 'image config').rootfs.diff_ids;
      if (diffIds.length !== manifest.layers.length) {
        throw new CoveError(
          `the image config lists ${diffIds.length} layers but the manifest has ${manifest.layers.length}`,
        );
      }
      const blobFile = (layer: Descriptor) => join(staging, digestHex(layer.digest));
      const missing = manifest.layers.filter((_, i) => !readLayer(paths, diffIds[i] as Digest));
      const limits = { ...defaultTarLimits, ...options.limits };
      const received = await downloadLayers(client, reference.repository, missing, blobFile, {
        limits,
        progress,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const { record, warnings } = await storeImage(
        paths,
        stored,
        {
          config,
          manifest: bytes,
          layers: manifest.layers.map((layer) => ({
            open: () => createReadStream(blobFile(layer)),
          })),
        },
        {
          libc: options.libc ?? koffiLibc,
          limits,
          onLayer: ({ index, stored: unpacked }) => {
            if (unpacked) {
              progress({
                phase: 'extracting',
                layer: manifest.layers[index]?.digest,
                ...received,
              });
            }
          },
        },
      );
      progress({ phase: 'done', ...received });
      return {
        reference: stored,
        digest: record.manifestDigest,
        id: record.configDigest,
        warnings: [...platformWarnings(config), ...warnings],
      };
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
