import {
  closeSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import {
  encodeHeader,
  endOfArchive,
  paddingFor,
  type TarEntryType,
  type TarHeader,
} from './tar-header.js';

const readChunk = 1024 * 1024;

function entryType(stats: Stats): TarEntryType | undefined {
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) return 'file';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isCharacterDevice()) return 'char';
  if (stats.isBlockDevice()) return 'block';
  if (stats.isFIFO()) return 'fifo';
  return undefined; // sockets have no tar form
}

function* fileData(path: string, size: number): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (let offset = 0; offset < size; ) {
      const chunk = Buffer.alloc(Math.min(readChunk, size - offset));
      const read = readSync(fd, chunk, 0, chunk.length, offset);
      if (read === 0) throw new Error(`${path} shrank while it was being read`);
      offset += read;
      yield chunk.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A directory as a tar stream, in a stable order (names sorted) and without following
 * symlinks; files with several links are written once and then as hard links. Used to
 * give a layer built in place (the built-in busybox) the digest it would have as a tar.
 */
export function* directoryTar(root: string, totals = { fileBytes: 0 }): Generator<Buffer> {
  const seen = new Map<string, string>();
  function* walk(relative: string): Generator<Buffer> {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const abs = join(root, path);
      const stats = lstatSync(abs);
      const type = entryType(stats);
      if (!type) continue;
      const header: TarHeader = {
        path: type === 'directory' ? `${path}/` : path,
        type,
        mode: stats.mode & 0o7777,
        uid: stats.uid,
        gid: stats.gid,
        size: type === 'file' ? stats.size : 0,
        mtime: Math.floor(stats.mtimeMs / 1000),
        linkPath: type === 'symlink' ? readlinkSync(abs) : '',
        devMajor: type === 'char' || type === 'block' ? (stats.rdev >> 8) & 0xfff : 0,
        devMinor: type === 'char' || type === 'block' ? stats.rdev & 0xff : 0,
      };
      const inode = `${stats.dev}:${stats.ino}`;
      const first = type === 'file' && stats.nlink > 1 ? seen.get(inode) : undefined;
      if (first) {
        yield encodeHeader({ ...header, type: 'hardlink', size: 0, linkPath: first });
        continue;
      }
      if (type === 'file' && stats.nlink > 1) seen.set(inode, path);
      yield encodeHeader(header);
      if (type === 'file') {
        totals.fileBytes += header.size;
        yield* fileData(abs, header.size);
        yield Buffer.alloc(paddingFor(header.size));
      }
      if (type === 'directory') yield* walk(path);
    }
  }
  yield* walk('');
  yield endOfArchive;
}
