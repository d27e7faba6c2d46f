import { type Digest, sha256Digest } from './digest.js';
import type { ImageConfig } from './image-config.js';
import type { LayerRecord } from './layer-store.js';
import { mediaTypes, type OciImageConfig } from './oci-schema.js';
import { hostPlatform } from './platform.js';

/** What an image is made of before it has a name: its manifest and config, byte for byte. */
export interface ImageContent {
  manifest: Buffer;
  config: Buffer;
}

export function ociConfigFrom(
  config: ImageConfig,
  diffIds: Digest[],
  createdBy: string,
): OciImageConfig & { history: unknown[] } {
  const created = new Date().toISOString();
  const { os, architecture } = hostPlatform();
  return {
    created,
    architecture,
    os,
    config: {
      Env: config.env,
      Entrypoint: config.entrypoint.length ? config.entrypoint : null,
      Cmd: config.cmd.length ? config.cmd : null,
      WorkingDir: config.workingDir,
      User: config.user,
      ExposedPorts: Object.fromEntries(
        config.exposedPorts.map(({ port, protocol }) => [`${port}/${protocol}`, {}]),
      ),
    },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [{ created, created_by: createdBy }],
  };
}

/**
 * An OCI manifest for an image Cove holds but did not receive one for (a root
 * filesystem tarball, a `docker save` archive, the built-in busybox): its layers are
 * described as the uncompressed tars the store hashed.
 */
export function manifestFor(config: Buffer, layers: LayerRecord[]): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: sha256Digest(config), size: config.length },
    layers: layers.map((layer) => ({
      mediaType: mediaTypes.ociLayer,
      digest: layer.diffId,
      size: layer.tarBytes,
    })),
  };
  return Buffer.from(JSON.stringify(manifest, null, 2));
}
