import { closeSync, createReadStream, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join, posix } from 'node:path';
import { formatBytes } from '@cove/shared';
import { CoveError } from '../errors.js';
import { decompress, detectCompression } from './decompress.js';
import { entryPath, parentOf } from './entry-path.js';
import { readTar, type TarLimits } from './tar-reader.js';

export interface ArchiveMember {
  offset: number;
  size: number;
}

/** An uncompressed tar file on disk, with where each regular file's data sits in it. */
export interface ArchiveFile {
  path: string;
  members: Map<string, ArchiveMember>;
}

/** The most a manifest, config or index read from an archive may be. */
export const maxJsonBytes = 4 * 1024 * 1024;

function firstBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    return head;
  } finally {
    closeSync(fd);
  }
}

/** Decompresses (or just copies, for a pipe) the input into `target`, within the size limit. */
async function spool(file: string, target: string, limits: TarLimits): Promise<void> {
  const { stream } = await decompress(createReadStream(file, { highWaterMark: 256 * 1024 }));
  const fd = openSync(target, 'wx', 0o600);
  try {
    let total = 0;
    for await (const chunk of stream) {
      total += chunk.length;
      if (total > limits.maxBytes) {
        throw new CoveError(
          `the archive unpacks to more than ${formatBytes(limits.maxBytes)}: refusing it (a decompression bomb, or more than Cove accepts)`,
        );
      }
      for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens an image archive for reading by member. A compressed file, or a pipe, is first
 * decompressed into `staging`; then the tar is indexed without writing anything out, so
 * member names in it never become paths on this machine. Links between members (a
 * `docker save` of repeated layers) resolve to the member they name.
 */
export async function openArchive(
  file: string,
  staging: string,
  limits: TarLimits,
): Promise<ArchiveFile> {
  let isFile: boolean;
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) {
      throw new CoveError(`${file} is a directory: import takes an archive (tar it first)`);
    }
    isFile = stats.isFile();
  } catch (error) {
    if (error instanceof CoveError) throw error;
    throw new CoveError(
      `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  let path = file;
  if (!isFile || detectCompression(firstBytes(file)) !== 'none') {
    path = join(staging, 'archive.tar');
    await spool(file, path, limits);
  }
  const members = new Map<string, ArchiveMember>();
  const links = new Map<string, string>();
  for await (const { header, offset } of readTar(createReadStream(path), limits)) {
    const name = entryPath(header.path, 'archive member');
    if (header.type === 'file') members.set(name, { offset, size: header.size });
    if (header.type === 'hardlink') links.set(name, entryPath(header.linkPath, 'archive link'));
    if (header.type === 'symlink' && !header.linkPath.startsWith('/')) {
      const target = posix.normalize(posix.join(parentOf(name), header.linkPath));
      if (!target.startsWith('..')) links.set(name, target);
    }
  }
  for (const [name, first] of links) {
    let target: string | undefined = first;
    for (let hops = 0; target && !members.has(target) && hops < 8; hops++)
      target = links.get(target);
    const member = target ? members.get(target) : undefined;
    if (member) members.set(name, member);
  }
  return { path, members };
}

function member(archive: ArchiveFile, name: string): ArchiveMember {
  const found = archive.members.get(name);
  if (!found) throw new CoveError(`the archive has no ${name}`);
  return found;
}

export function hasMember(archive: ArchiveFile, name: string): boolean {
  return archive.members.has(name);
}

export function memberSize(archive: ArchiveFile, name: string): number {
  return member(archive, name).size;
}

/** A small member, read whole: manifests, configs, indexes. */
export function readMember(archive: ArchiveFile, name: string, maxBytes = maxJsonBytes): Buffer {
  const { offset, size } = member(archive, name);
  if (size > maxBytes) {
    throw new CoveError(
      `${name} in the archive is ${formatBytes(size)}: too large for what it should be`,
    );
  }
  const bytes = Buffer.alloc(size);
  const fd = openSync(archive.path, 'r');
  try {
    for (let done = 0; done < size; ) {
      const read = readSync(fd, bytes, done, size - done, offset + done);
      if (!read) throw new CoveError(`${name} is cut short in the archive`);
      done += read;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

export async function* memberStream(archive: ArchiveFile, name: string): AsyncGenerator<Buffer> {
  const { offset, size } = member(archive, name);
  if (!size) return;
  yield* createReadStream(archive.path, {
    start: offset,
    end: offset + size - 1,
    highWaterMark: 256 * 1024,
  });
}

/** The whole archive as a stream: for a root filesystem tarball, which is one layer. */
export function archiveStream(archive: ArchiveFile): AsyncIterable<Buffer> {
  return createReadStream(archive.path, { highWaterMark: 256 * 1024 });
}
