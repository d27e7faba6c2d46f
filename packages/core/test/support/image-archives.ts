import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type Digest, digestHex, sha256Digest } from '../../src/image/digest.js';
import {
  encodeHeader,
  endOfArchive,
  paddingFor,
  type TarEntryType,
} from '../../src/image/tar-header.js';
import { directoryTar } from '../../src/image/tar-writer.js';

/** One tar entry as a test describes it; `declaredSize` lies about the size on purpose. */
export interface EntrySpec {
  path: string;
  type?: TarEntryType;
  data?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  linkPath?: string;
  devMajor?: number;
  devMinor?: number;
}

export const dir = (path: string, mode = 0o755): EntrySpec => ({
  path: `${path}/`,
  type: 'directory',
  mode,
});
export const file = (path: string, data: string | Buffer, mode = 0o644): EntrySpec => ({
  path,
  data,
  mode,
});
export const symlink = (path: string, linkPath: string): EntrySpec => ({
  path,
  type: 'symlink',
  linkPath,
});
export const hardlink = (path: string, linkPath: string): EntrySpec => ({
  path,
  type: 'hardlink',
  linkPath,
});

export function tarEntry(spec: EntrySpec): Buffer {
  const data = Buffer.from(spec.data ?? '');
  const type = spec.type ?? 'file';
  const header = encodeHeader({
    path: spec.path,
    type,
    mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
    uid: spec.uid ?? 0,
    gid: spec.gid ?? 0,
    size: type === 'file' ? data.length : 0,
    mtime: 1_700_000_000,
    linkPath: spec.linkPath ?? '',
    devMajor: spec.devMajor ?? 0,
    devMinor: spec.devMinor ?? 0,
  });
  if (type !== 'file') return header;
  return Buffer.concat([header, data, Buffer.alloc(paddingFor(data.length))]);
}

export function tarArchive(entries: EntrySpec[]): Buffer {
  return Buffer.concat([...entries.map(tarEntry), endOfArchive]);
}

export function tarOfDirectory(directory: string): Buffer {
  return Buffer.concat([...directoryTar(directory)]);
}

/** A small root filesystem that runs: Debian's static busybox, every applet linked in /bin. */
export function busyboxRootfs(): EntrySpec[] {
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name && name !== 'busybox');
  return [
    ...['bin', 'etc', 'proc', 'dev', 'sys', 'root', 'home'].map((name) => dir(name)),
    dir('tmp', 0o1777),
    file('bin/busybox', readFileSync('/bin/busybox'), 0o755),
    ...applets.map((name) => symlink(`bin/${name}`, 'busybox')),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home:/bin/sh\n'),
    file('etc/group', 'root:x:0:\napp:x:1000:\n'),
  ];
}

export type Compression = 'gzip' | 'zstd' | 'none';

function compress(tar: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(tar);
  if (compression === 'zstd')
    return execFileSync('zstd', ['-q', '-c'], { input: tar, maxBuffer: 1024 ** 3 });
  return tar;
}

const layerMediaType: Record<Compression, string> = {
  none: 'application/vnd.oci.image.layer.v1.tar',
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
};

export interface TestImageSpec {
  layers: EntrySpec[][];
  config?: {
    Env?: string[];
    Cmd?: string[];
    Entrypoint?: string[];
    WorkingDir?: string;
    User?: string;
  };
  compression?: Compression;
  architecture?: string;
}

export interface BuiltImage {
  manifestDigest: Digest;
  configDigest: Digest;
  diffIds: Digest[];
  layerDigests: Digest[];
}

function writeBlob(layout: string, bytes: Buffer): { digest: Digest; size: number } {
  const digest = sha256Digest(bytes);
  writeFileSync(join(layout, 'blobs', 'sha256', digestHex(digest)), bytes);
  return { digest, size: bytes.length };
}

/** The manifest, config and blobs of one image, written into an OCI layout's blobs. */
export function writeImageBlobs(
  layout: string,
  spec: TestImageSpec,
): BuiltImage & { manifest: Buffer } {
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const compression = spec.compression ?? 'gzip';
  const tars = spec.layers.map(tarArchive);
  const layers = tars.map((tar) => writeBlob(layout, compress(tar, compression)));
  const config = Buffer.from(
    JSON.stringify({
      created: '2025-01-02T03:04:05Z',
      architecture: spec.architecture ?? 'amd64',
      os: 'linux',
      config: spec.config ?? {},
      rootfs: { type: 'layers', diff_ids: tars.map((tar) => sha256Digest(tar)) },
      history: spec.layers.map(() => ({ created_by: 'cove test' })),
    }),
  );
  const configBlob = writeBlob(layout, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
      layers: layers.map((layer) => ({ mediaType: layerMediaType[compression], ...layer })),
    }),
  );
  return {
    manifest,
    manifestDigest: writeBlob(layout, manifest).digest,
    configDigest: configBlob.digest,
    diffIds: tars.map((tar) => sha256Digest(tar)),
    layerDigests: layers.map((layer) => layer.digest),
  };
}

/** An OCI image layout directory (image-spec image-layout.md) holding one image, tagged. */
export function writeOciLayout(
  layout: string,
  spec: TestImageSpec,
  tag = 'latest',
): BuiltImage & { manifest: Buffer } {
  const image = writeImageBlobs(layout, spec);
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: image.manifestDigest,
          size: image.manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return image;
}

/**
 * `skopeo copy`: Debian's tool for moving images between formats and registries. Run
 * without blocking, so a token service in this process can answer it.
 */
export async function skopeoCopy(
  source: string,
  destination: string,
  extra: string[] = [],
): Promise<void> {
  await promisify(execFile)('skopeo', [
    'copy',
    '--insecure-policy',
    '--quiet',
    ...extra,
    source,
    destination,
  ]);
}

function writeJsonBlob(layout: string, value: object): { digest: Digest; size: number } {
  return writeBlob(layout, Buffer.from(JSON.stringify(value)));
}

/**
 * An OCI layout holding one image for several platforms. `nested` puts an image index
 * blob between index.json and the manifests, as `docker buildx` writes it; otherwise
 * index.json lists the platforms itself.
 */
export function writeMultiPlatformLayout(
  layout: string,
  images: { architecture: string; spec: TestImageSpec }[],
  options: { nested: boolean; tag?: string },
): { indexDigest?: Digest; images: (BuiltImage & { manifest: Buffer })[] } {
  const built = images.map(({ architecture, spec }) =>
    writeImageBlobs(layout, { ...spec, architecture }),
  );
  const manifests = built.map((image, i) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: image.manifestDigest,
    size: image.manifest.length,
    platform: { os: 'linux', architecture: images[i]?.architecture },
  }));
  const indexMediaType = 'application/vnd.oci.image.index.v1+json';
  const nested = options.nested
    ? writeJsonBlob(layout, { schemaVersion: 2, mediaType: indexMediaType, manifests })
    : undefined;
  const ref = { 'org.opencontainers.image.ref.name': options.tag ?? 'latest' };
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: nested
        ? [{ mediaType: indexMediaType, ...nested, annotations: ref }]
        : manifests.map((manifest) => ({ ...manifest, annotations: ref })),
    }),
  );
  return { ...(nested ? { indexDigest: nested.digest } : {}), images: built };
}
