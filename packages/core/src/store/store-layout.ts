import { join } from 'node:path';

/** Where everything lives under the store root (default /var/lib/cove). */
export interface StoreLayout {
  root: string;
  images: string;
  containers: string;
  /** One symlink per container name, pointing at its id: creating it reserves the name. */
  names: string;
  /** Scratch space on the same filesystem, so finished work can be renamed into place. */
  tmp: string;
  /** The bridge's subnet (bridge.json) and one lease file per address taken (leases/). */
  network: string;
  /** Named volumes: NAME/_data their files, NAME/volume.json when each was made. */
  volumes: string;
}

export function storeLayout(root: string): StoreLayout {
  return {
    root,
    images: join(root, 'images'),
    containers: join(root, 'containers'),
    names: join(root, 'names'),
    tmp: join(root, 'tmp'),
    network: join(root, 'network'),
    volumes: join(root, 'volumes'),
  };
}

export interface ContainerPaths {
  dir: string;
  record: string;
  upper: string;
  work: string;
  rootfs: string;
  log: string;
}

export function containerPaths(layout: StoreLayout, id: string): ContainerPaths {
  const dir = join(layout.containers, id);
  return {
    dir,
    record: join(dir, 'container.json'),
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    rootfs: join(dir, 'rootfs'),
    log: join(dir, 'container.log'),
  };
}
