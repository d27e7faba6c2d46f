import type { OciImageConfig } from './oci-schema.js';

/** The parts of an OCI image config that decide how a container starts. */
export interface ImageConfig {
  env: string[];
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  user: string;
  /** The ports the image says it listens on: what `-P` publishes. */
  exposedPorts: Array<{ port: number; protocol: 'tcp' | 'udp' }>;
}

export interface StoredImage {
  /** The name as stored, without tag: `alpine`, `ghcr.io/owner/app`. */
  name: string;
  /** The tag, or the digest for an image stored by digest alone. */
  tag: string;
  /** Read-only layer directories, topmost first (overlayfs lowerdir order). */
  layers: string[];
  config: ImageConfig;
}

export function runtimeConfig(config: OciImageConfig): ImageConfig {
  return {
    env: config.config?.Env ?? [],
    entrypoint: config.config?.Entrypoint ?? [],
    cmd: config.config?.Cmd ?? [],
    workingDir: config.config?.WorkingDir ?? '',
    user: config.config?.User ?? '',
    exposedPorts: Object.keys(config.config?.ExposedPorts ?? {}).map((key) => {
      const [port = '', protocol] = key.split('/');
      return { port: Number(port), protocol: protocol === 'udp' ? 'udp' : 'tcp' };
    }),
  };
}
