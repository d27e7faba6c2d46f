import { CoveError } from '../errors.js';
import { type Digest, parseDigest } from './digest.js';

/** The media types of the OCI image spec and of Docker's v2 schema 2, which registries serve. */
export const mediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

const layerMediaTypes = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
]);

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  mediaType: string;
  manifests: Descriptor[];
}

/** The parts of an image config (OCI image-spec config.md) Cove reads. */
export interface OciImageConfig {
  created?: string;
  architecture?: string;
  os?: string;
  config?: {
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    User?: string;
    /** `{"80/tcp": {}}`: the ports `-P` publishes. */
    ExposedPorts?: Record<string, object>;
  } | null;
  rootfs: { type: string; diff_ids: Digest[] };
}

type Json = Record<string, unknown>;

export function parseJson(bytes: Buffer, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CoveError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new CoveError(`${what} is not a JSON object`);
  }
  return value as Json;
}

function parseDescriptor(value: unknown, what: string): Descriptor {
  const json = (value ?? {}) as Json;
  const size = json.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new CoveError(`${what}: the descriptor has no valid size`);
  }
  const platform = json.platform as Platform | undefined;
  return {
    mediaType: typeof json.mediaType === 'string' ? json.mediaType : '',
    digest: parseDigest(json.digest, what),
    size,
    ...(platform && typeof platform.os === 'string' ? { platform } : {}),
    ...(json.annotations && typeof json.annotations === 'object'
      ? { annotations: json.annotations as Record<string, string> }
      : {}),
  };
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new CoveError(`${what} is missing`);
  return value;
}

/** A manifest or an index (manifest list), told apart by media type or by shape. */
export function parseManifestOrIndex(
  bytes: Buffer,
  what: string,
  contentType = '',
): { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest } {
  const json = parseJson(bytes, what);
  if (json.schemaVersion === 1) {
    throw new CoveError(
      `${what} is a Docker schema 1 manifest, a deprecated format Cove does not read`,
    );
  }
  const mediaType =
    (typeof json.mediaType === 'string' && json.mediaType) ||
    contentType.split(';')[0]?.trim() ||
    '';
  if (Array.isArray(json.manifests)) {
    const manifests = json.manifests.map((item, i) =>
      parseDescriptor(item, `${what}: manifests[${i}]`),
    );
    return { kind: 'index', index: { mediaType, manifests } };
  }
  const config = parseDescriptor(json.config, `${what}: config`);
  if (config.mediaType !== mediaTypes.ociConfig && config.mediaType !== mediaTypes.dockerConfig) {
    throw new CoveError(
      `${what} is not a container image: its config is "${config.mediaType || 'untyped'}" (an OCI artifact?)`,
    );
  }
  const layers = array(json.layers, `${what}: layers`).map((item, i) => {
    const layer = parseDescriptor(item, `${what}: layers[${i}]`);
    if (!layerMediaTypes.has(layer.mediaType)) {
      throw new CoveError(
        `${what}: layer ${i} has media type "${layer.mediaType}", which is not a layer Cove can unpack (foreign, encrypted or not a filesystem)`,
      );
    }
    return layer;
  });
  return { kind: 'manifest', manifest: { mediaType, config, layers } };
}

function stringList(value: unknown, what: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new CoveError(`${what} is not a list of strings`);
  }
  return value;
}

/** Keeps the keys that are a port and a protocol (`80/tcp`, `53/udp`); an image may hold anything. */
function exposedPorts(value: unknown): Record<string, object> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.keys(value)
      .filter(
        (key) => /^([1-9]\d{0,4})(\/(tcp|udp))?$/.test(key) && Number.parseInt(key, 10) <= 65535,
      )
      .map((key) => [key, {}]),
  );
}

export function parseImageConfig(bytes: Buffer, what: string): OciImageConfig {
  const json = parseJson(bytes, what);
  const rootfs = (json.rootfs ?? {}) as Json;
  const diffIds = array(rootfs.diff_ids, `${what}: rootfs.diff_ids`).map((digest, i) =>
    parseDigest(digest, `${what}: rootfs.diff_ids[${i}]`),
  );
  const run = (json.config ?? {}) as Json;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    ...(typeof json.created === 'string' ? { created: json.created } : {}),
    ...(typeof json.architecture === 'string' ? { architecture: json.architecture } : {}),
    ...(typeof json.os === 'string' ? { os: json.os } : {}),
    config: {
      Env: stringList(run.Env, `${what}: config.Env`),
      Entrypoint: stringList(run.Entrypoint, `${what}: config.Entrypoint`),
      Cmd: stringList(run.Cmd, `${what}: config.Cmd`),
      WorkingDir: text(run.WorkingDir),
      User: text(run.User),
      ExposedPorts: exposedPorts(run.ExposedPorts),
    },
    rootfs: { type: text(rootfs.type), diff_ids: diffIds },
  };
}
