import { CoveError } from '../errors.js';
import { writeBlob } from './blob-store.js';
import { sha256Digest } from './digest.js';
import { withImageLock } from './image-lock.js';
import type { ImagePaths } from './image-paths.js';
import { type ImageRecord, writeRef } from './image-refs.js';
import { readLayer } from './layer-store.js';
import { parseImageConfig, parseManifestOrIndex } from './oci-schema.js';
import type { ImageContent } from './synthesized-image.js';

/**
 * Gives an image its name, the last step of every import and pull: under the store's
 * lock, check that every layer it needs is in the store, store its manifest and config,
 * then write the name. Until that last write the image does not exist for `cove run`,
 * so an interrupted import or pull leaves nothing that looks like an image.
 */
export async function commitImage(
  paths: ImagePaths,
  reference: string,
  content: ImageContent,
): Promise<ImageRecord> {
  const config = parseImageConfig(content.config, 'image config');
  const parsed = parseManifestOrIndex(content.manifest, 'image manifest');
  const configDigest = sha256Digest(content.config);
  if (parsed.kind !== 'manifest' || parsed.manifest.config.digest !== configDigest) {
    throw new CoveError(
      `the manifest of ${reference} does not describe its config ${configDigest}`,
    );
  }
  return withImageLock(paths, () => {
    for (const diffId of config.rootfs.diff_ids) {
      if (!readLayer(paths, diffId)) {
        throw new CoveError(
          `layer ${diffId} of ${reference} left the store while it was being stored (a concurrent cove rmi?): try again`,
        );
      }
    }
    const record: ImageRecord = {
      reference,
      manifestDigest: writeBlob(paths, content.manifest),
      configDigest: writeBlob(paths, content.config),
      storedAt: new Date().toISOString(),
    };
    writeRef(paths, record);
    return record;
  });
}
