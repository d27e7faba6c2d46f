import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { CoveError } from '../errors.js';
import type { StoreLayout } from '../store/store-layout.js';
import { buildBusyboxRootfs, busyboxConfig } from './busybox-image.js';
import type { ImageConfig, StoredImage } from './image-config.js';

const namePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function parseImageReference(reference: string): { name: string; tag: string } {
  const [name = '', tag = 'latest', ...rest] = reference.split(':');
  if (rest.length || !namePattern.test(name) || !tagPattern.test(tag)) {
    throw new CoveError(
      `invalid image reference "${reference}": expected NAME[:TAG], e.g. busybox`,
    );
  }
  return { name, tag };
}

export function imageDirectory(layout: StoreLayout, name: string, tag: string): string {
  return join(layout.images, name, tag);
}

/**
 * Finds an image in the store. The built-in `busybox` is made on first use; it is
 * built in the store's tmp directory and renamed into place, so an interrupted build
 * never leaves a half image that later looks valid.
 */
export function getImage(layout: StoreLayout, reference: string): StoredImage {
  const { name, tag } = parseImageReference(reference);
  const dir = imageDirectory(layout, name, tag);
  if (!existsSync(join(dir, 'config.json')) && name === 'busybox' && tag === 'latest') {
    installImage(layout, name, tag, busyboxConfig, buildBusyboxRootfs);
  }
  let config: ImageConfig;
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as ImageConfig;
  } catch {
    throw new CoveError(`image ${name}:${tag} not found in ${layout.images}`);
  }
  return { name, tag, layers: [join(dir, 'rootfs')], config };
}

/** Builds an image's root filesystem with `build` and moves it into the store atomically. */
export function installImage(
  layout: StoreLayout,
  name: string,
  tag: string,
  config: ImageConfig,
  build: (rootfs: string) => void,
): void {
  mkdirSync(layout.tmp, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(layout.tmp, 'image-'));
  try {
    build(join(staging, 'rootfs'));
    writeFileSync(join(staging, 'config.json'), JSON.stringify(config, null, 2));
    const target = imageDirectory(layout, name, tag);
    mkdirSync(join(layout.images, name), { recursive: true, mode: 0o700 });
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another process installed it first: theirs is as good as ours.
      if (!existsSync(join(target, 'config.json'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
