import { type ArchiveFile, hasMember, readMember } from './archive-file.js';

/**
 * What an archive given to `cove image import` holds: an OCI image layout (`oci-layout`
 * and `index.json`), a `docker save` archive (`manifest.json` listing configs and
 * layers), or else a root filesystem. Either of the first two may sit in one directory.
 */
export type ArchiveKind =
  | { kind: 'oci'; prefix: string }
  | { kind: 'docker'; prefix: string }
  | { kind: 'rootfs' };

function isDockerManifest(archive: ArchiveFile, name: string): boolean {
  try {
    const entries = JSON.parse(readMember(archive, name).toString('utf8')) as unknown;
    return (
      Array.isArray(entries) &&
      entries.length > 0 &&
      entries.every((entry) => typeof entry?.Config === 'string' && Array.isArray(entry?.Layers))
    );
  } catch {
    return false;
  }
}

export function detectArchiveKind(archive: ArchiveFile): ArchiveKind {
  const wrapped = new Set(
    [...archive.members.keys()]
      .map((name) => /^([^/]+\/)(?:oci-layout|manifest\.json)$/.exec(name)?.[1])
      .filter((prefix): prefix is string => prefix !== undefined),
  );
  for (const prefix of ['', ...(wrapped.size === 1 ? wrapped : [])]) {
    if (hasMember(archive, `${prefix}oci-layout`) && hasMember(archive, `${prefix}index.json`)) {
      return { kind: 'oci', prefix };
    }
    if (
      hasMember(archive, `${prefix}manifest.json`) &&
      isDockerManifest(archive, `${prefix}manifest.json`)
    ) {
      return { kind: 'docker', prefix };
    }
  }
  return { kind: 'rootfs' };
}
