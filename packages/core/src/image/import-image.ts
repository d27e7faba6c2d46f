import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { CoveError, withContextAsync } from '../errors.js';
import { koffiLibc } from '../libc/koffi-libc.js';
import type { Libc } from '../libc/libc.js';
import { defaultPath } from '../process/environment.js';
import type { StoreLayout } from '../store/store-layout.js';
import { archiveStream, openArchive } from './archive-file.js';
import { detectArchiveKind } from './archive-kind.js';
import { readBlob } from './blob-store.js';
import { commitImage } from './commit-image.js';
import type { Digest } from './digest.js';
import { imagePaths } from './image-paths.js';
import { parseImageReference, storedReference } from './image-reference.js';
import type { ImageRecord } from './image-refs.js';
import { dockerArchiveImage } from './import-docker-archive.js';
import { ociLayoutImage } from './import-oci-layout.js';
import { installLayer } from './layer-store.js';
import { parseImageConfig } from './oci-schema.js';
import { formatPlatform, hostPlatform, parsePlatform } from './platform.js';
import { createStaging, removeStaleStaging } from './staging.js';
import { storeImage } from './store-image.js';
import { manifestFor, ociConfigFrom } from './synthesized-image.js';
import { defaultTarLimits, type TarLimits } from './tar-reader.js';

export interface ImportOptions {
  /** OS/ARCH[/VARIANT] to take from a multi-platform archive; the host's by default. */
  platform?: string;
  limits?: Partial<TarLimits>;
  libc?: Libc;
}

export interface ImportResult {
  reference: string;
  /** The manifest's digest. */
  digest: Digest;
  /** The config's digest: the image id. */
  id: Digest;
  /** What was neutralised on the way (device nodes skipped, setuid bits removed, …). */
  warnings: string[];
}

/** A warning when the image's programs are built for another CPU than this host's. */
export function platformWarnings(config: Buffer): string[] {
  const { os, architecture } = parseImageConfig(config, 'image config');
  const host = hostPlatform();
  if (!architecture || (architecture === host.architecture && (os ?? 'linux') === host.os))
    return [];
  return [
    `the image is for ${os}/${architecture}, this host is ${formatPlatform(host)}: its programs will not run here`,
  ];
}

/** A plain root filesystem tarball (Alpine's minirootfs, `docker export`): one layer, no config. */
async function importRootfs(
  layout: StoreLayout,
  file: string,
  reference: string,
  archive: Awaited<ReturnType<typeof openArchive>>,
  options: { libc: Libc; limits: TarLimits },
): Promise<{ record: ImageRecord; warnings: string[] }> {
  const paths = imagePaths(layout);
  const { record: layer, warnings } = await installLayer(paths, archiveStream(archive), options);
  const settings = {
    env: [`PATH=${defaultPath}`],
    entrypoint: [],
    cmd: [],
    workingDir: '',
    user: '',
    exposedPorts: [],
  };
  const config = Buffer.from(
    JSON.stringify(
      ociConfigFrom(settings, [layer.diffId], `cove image import ${basename(file)}`),
      null,
      2,
    ),
  );
  const record = await commitImage(paths, reference, {
    config,
    manifest: manifestFor(config, [layer]),
  });
  return { record, warnings };
}

/**
 * `cove image import FILE NAME[:TAG]`: a root filesystem tarball, a `docker save`
 * archive or an OCI image layout archive, plain or gzip/zstd-compressed. The archive is
 * hostile input: see layer-extract.ts for what is refused and what is neutralised.
 */
export async function importImage(
  layout: StoreLayout,
  file: string,
  text: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const parsed = parseImageReference(text);
  if (parsed.digest) {
    throw new CoveError(
      `import names an image NAME[:TAG]; its digest is computed, not given ("${text}")`,
    );
  }
  const reference = storedReference(parsed);
  const paths = imagePaths(layout);
  removeStaleStaging(paths);
  const settings = {
    libc: options.libc ?? koffiLibc,
    limits: { ...defaultTarLimits, ...options.limits },
  };
  const platform = options.platform ? parsePlatform(options.platform) : hostPlatform();
  const staging = createStaging(paths, 'import');
  try {
    return await withContextAsync(`importing ${file}`, async () => {
      const archive = await openArchive(file, staging, settings.limits);
      const kind = detectArchiveKind(archive);
      const { record, warnings } =
        kind.kind === 'rootfs'
          ? await importRootfs(layout, file, reference, archive, settings)
          : await storeImage(
              paths,
              reference,
              kind.kind === 'oci'
                ? ociLayoutImage(archive, kind.prefix, parsed.tag, platform)
                : dockerArchiveImage(archive, kind.prefix, reference),
              settings,
            );
      return {
        reference,
        digest: record.manifestDigest,
        id: record.configDigest,
        warnings: [...platformWarnings(readBlob(paths, record.configDigest)), ...warnings],
      };
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
