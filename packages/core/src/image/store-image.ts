import { CoveError, withContextAsync } from '../errors.js';
import type { Libc } from '../libc/libc.js';
import { commitImage } from './commit-image.js';
import { decompress } from './decompress.js';
import { DigestCounter } from './digest.js';
import type { ImagePaths } from './image-paths.js';
import type { ImageRecord } from './image-refs.js';
import { installLayer, type LayerRecord, readLayer } from './layer-store.js';
import { type Descriptor, parseImageConfig } from './oci-schema.js';
import { manifestFor } from './synthesized-image.js';
import type { TarLimits } from './tar-reader.js';

/** One layer as an archive or a download holds it. */
export interface LayerSource {
  /** The layer's bytes as stored there: a tar, maybe gzip or zstd compressed. */
  open(): AsyncIterable<Buffer>;
  /** The blob's digest and size when the source names them: checked as it streams. */
  descriptor?: Descriptor;
}

export interface IncomingImage {
  config: Buffer;
  /** The manifest as received; made up from the layers when the source has none. */
  manifest?: Buffer;
  layers: LayerSource[];
}

export interface StoreImageOptions {
  libc: Libc;
  limits: TarLimits;
  onLayer?: (event: { index: number; diffId: string; stored: boolean }) => void;
}

function checkBlob(counter: DigestCounter, descriptor: Descriptor): void {
  const digest = counter.digest();
  if (digest !== descriptor.digest || counter.bytes !== descriptor.size) {
    throw new CoveError(
      `the layer blob is ${digest} (${counter.bytes} bytes), but the manifest says ${descriptor.digest} (${descriptor.size} bytes): it was altered or damaged`,
    );
  }
}

/**
 * Stores an image: each layer the store lacks is unpacked and checked against the diff
 * ID its config lists (and its blob digest, when known), then the image is committed
 * under `reference`.
 */
export async function storeImage(
  paths: ImagePaths,
  reference: string,
  image: IncomingImage,
  options: StoreImageOptions,
): Promise<{ record: ImageRecord; warnings: string[] }> {
  const config = parseImageConfig(image.config, 'image config');
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== image.layers.length) {
    throw new CoveError(
      `the image config lists ${diffIds.length} layers but the manifest has ${image.layers.length}`,
    );
  }
  if (!diffIds.length) throw new CoveError('the image has no layers: there is nothing to run');
  const warnings: string[] = [];
  const layers: LayerRecord[] = [];
  for (const [index, diffId] of diffIds.entries()) {
    const existing = readLayer(paths, diffId);
    const source = image.layers[index];
    if (existing || !source) {
      if (existing) layers.push(existing);
      options.onLayer?.({ index, diffId, stored: false });
      continue;
    }
    const { record, warnings: found } = await withContextAsync(
      `layer ${index + 1} of ${diffIds.length} (${diffId})`,
      async () => {
        const blob = new DigestCounter();
        const { stream } = await decompress(blob.tap(source.open()));
        const { descriptor } = source;
        return installLayer(paths, stream, {
          ...options,
          expectedDiffId: diffId,
          ...(descriptor ? { verify: () => checkBlob(blob, descriptor) } : {}),
        });
      },
    );
    layers.push(record);
    warnings.push(...found.map((text) => `layer ${index + 1}: ${text}`));
    options.onLayer?.({ index, diffId, stored: true });
  }
  const record = await commitImage(paths, reference, {
    config: image.config,
    manifest: image.manifest ?? manifestFor(image.config, layers),
  });
  return { record, warnings };
}
