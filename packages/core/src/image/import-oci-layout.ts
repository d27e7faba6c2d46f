import { CoveError } from '../errors.js';
import { type ArchiveFile, memberStream, readMember } from './archive-file.js';
import { digestHex, sha256Digest } from './digest.js';
import {
  type Descriptor,
  type ImageManifest,
  type Platform,
  parseManifestOrIndex,
} from './oci-schema.js';
import { selectManifest } from './platform.js';
import type { IncomingImage } from './store-image.js';

const refNameAnnotation = 'org.opencontainers.image.ref.name';

interface Candidate {
  descriptor: Descriptor;
  bytes: Buffer;
  manifest: ImageManifest;
}

/**
 * Reads the image out of an OCI image layout archive (image-spec image-layout.md):
 * `index.json` names manifests (or nested indexes, one per platform) by digest, and
 * every blob is at `blobs/sha256/<hex>`, checked against its digest as it is read.
 */
export function ociLayoutImage(
  archive: ArchiveFile,
  prefix: string,
  tag: string | undefined,
  platform: Platform,
): IncomingImage {
  const blobName = (descriptor: Descriptor) =>
    `${prefix}blobs/sha256/${digestHex(descriptor.digest)}`;
  const readBlob = (descriptor: Descriptor): Buffer => {
    const bytes = readMember(archive, blobName(descriptor));
    if (sha256Digest(bytes) !== descriptor.digest || bytes.length !== descriptor.size) {
      throw new CoveError(
        `blob ${descriptor.digest} in the archive does not match its digest: the archive is damaged or was tampered with`,
      );
    }
    return bytes;
  };

  const expand = (descriptors: Descriptor[], depth: number): Candidate[] =>
    descriptors.flatMap((descriptor) => {
      const bytes = readBlob(descriptor);
      const parsed = parseManifestOrIndex(
        bytes,
        `manifest ${descriptor.digest}`,
        descriptor.mediaType,
      );
      if (parsed.kind === 'manifest') return [{ descriptor, bytes, manifest: parsed.manifest }];
      if (depth > 3) throw new CoveError('the archive nests indexes deeper than any image does');
      const chosen = selectManifest(parsed.index.manifests, platform, `index ${descriptor.digest}`);
      return expand([chosen], depth + 1);
    });

  const top = parseManifestOrIndex(readMember(archive, `${prefix}index.json`), 'index.json');
  if (top.kind !== 'index') throw new CoveError('index.json of the archive lists no manifests');
  let listed = top.index.manifests;
  const named = listed.filter((d) => d.annotations?.[refNameAnnotation] === tag);
  if (listed.length > 1 && named.length) listed = named;
  // A multi-platform image may be listed right in index.json, one entry per platform.
  if (listed.length > 1 && listed.every((d) => d.platform)) {
    listed = [selectManifest(listed, platform, 'the archive')];
  }
  const candidates = expand(listed, 0);
  const [chosen, ...others] = candidates;
  if (!chosen || others.length) {
    const names = candidates.map(
      (c) => c.descriptor.annotations?.[refNameAnnotation] ?? c.descriptor.digest,
    );
    throw new CoveError(
      `the archive holds ${candidates.length} images (${names.join(', ')}): import it under the tag of the one you want`,
    );
  }
  return {
    manifest: chosen.bytes,
    config: readBlob(chosen.manifest.config),
    layers: chosen.manifest.layers.map((descriptor) => ({
      open: () => memberStream(archive, blobName(descriptor)),
      descriptor,
    })),
  };
}
