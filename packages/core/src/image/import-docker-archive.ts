import { CoveError } from '../errors.js';
import { type ArchiveFile, memberSize, memberStream, readMember } from './archive-file.js';
import { type Digest, isDigest, sha256Digest } from './digest.js';
import { normalizeReference } from './image-reference.js';
import type { IncomingImage } from './store-image.js';

interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** `<64 hex>.json` (classic `docker save`) or `blobs/sha256/<64 hex>` (Docker 25+) names its digest. */
function digestInName(name: string): Digest | undefined {
  const digest = `sha256:${/(?:^|\/)(?:blobs\/sha256\/)?([a-f0-9]{64})(?:\.json)?$/.exec(name)?.[1]}`;
  return isDigest(digest) ? digest : undefined;
}

function sameName(tag: string, reference: string): boolean {
  try {
    return normalizeReference(tag) === reference;
  } catch {
    return false;
  }
}

/**
 * Reads an image out of a `docker save` archive: `manifest.json` lists, per image, its
 * config file and layer tars. Layers are checked against the config's diff IDs as they
 * unpack; a config or blob whose file name is a digest is checked against it too.
 */
export function dockerArchiveImage(
  archive: ArchiveFile,
  prefix: string,
  reference: string,
): IncomingImage {
  const entries = JSON.parse(
    readMember(archive, `${prefix}manifest.json`).toString('utf8'),
  ) as DockerArchiveEntry[];
  const matching =
    entries.length === 1
      ? entries
      : entries.filter((entry) => entry.RepoTags?.some((tag) => sameName(tag, reference)));
  const [entry, ...others] = matching;
  if (!entry || others.length) {
    const tags = entries.flatMap((e) => e.RepoTags ?? ['<untagged>']).join(', ');
    throw new CoveError(
      `the archive holds ${entries.length} images (${tags}): import it under the name of the one you want`,
    );
  }
  const config = readMember(archive, `${prefix}${entry.Config}`);
  const configDigest = digestInName(entry.Config);
  if (configDigest && sha256Digest(config) !== configDigest) {
    throw new CoveError(
      `${entry.Config} does not match its digest: the archive is damaged or was tampered with`,
    );
  }
  return {
    config,
    layers: entry.Layers.map((name) => {
      const digest = digestInName(name);
      const member = `${prefix}${name}`;
      return {
        open: () => memberStream(archive, member),
        ...(digest && name.includes('blobs/')
          ? { descriptor: { mediaType: '', digest, size: memberSize(archive, member) } }
          : {}),
      };
    }),
  };
}
