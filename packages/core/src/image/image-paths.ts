import { join } from 'node:path';
import type { StoreLayout } from '../store/store-layout.js';

/** Where the image store keeps each kind of thing, under the store's `images` directory. */
export interface ImagePaths {
  /** Manifests and image configs, by sha256, exactly as they were verified. */
  blobs: string;
  /** Unpacked layers, by the sha256 of their uncompressed tar (the OCI "diff ID"). */
  layers: string;
  /**
   * Short symlinks to the layers' directories: the overlay mount options, which name
   * every layer, must fit in one page (4096 bytes), and these keep 100+ layers in it.
   */
  links: string;
  /** One small file per image name (`alpine:3.20`): what `cove run` looks up. */
  refs: string;
  lock: string;
  /** Scratch space on the same filesystem, so finished work is renamed into place. */
  tmp: string;
}

export function imagePaths(layout: StoreLayout): ImagePaths {
  return {
    blobs: join(layout.images, 'blobs', 'sha256'),
    layers: join(layout.images, 'layers'),
    links: join(layout.images, 'l'),
    refs: join(layout.images, 'refs'),
    lock: join(layout.images, 'lock'),
    tmp: layout.tmp,
  };
}
