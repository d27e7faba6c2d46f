/** The parts of an OCI image config that decide how a container starts. */
export interface ImageConfig {
  env: string[];
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  user: string;
}

export interface StoredImage {
  name: string;
  tag: string;
  /** Read-only layer directories, topmost first (overlayfs lowerdir order). */
  layers: string[];
  config: ImageConfig;
}
