import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CoveError } from '../errors.js';
import { AT_FDCWD } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { baseName, entryPath, parentOf } from './entry-path.js';
import { makeWhiteout, markOpaque, opaqueMarker, whiteoutPrefix } from './overlay-whiteouts.js';
import { readTar, type TarEntry, type TarLimits } from './tar-reader.js';

// stat(2) mode bits this file needs beyond node's fs.constants.
const S_IFIFO = 0o010000;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const maxId = 0xfffffffe;

export interface ExtractOptions {
  libc: Libc;
  limits: TarLimits;
}

export interface ExtractResult {
  /** Bytes of file data written (hard links counted once). */
  sizeBytes: number;
  /** What was neutralised rather than refused, one sentence each, for the user to see. */
  warnings: string[];
}

const refuse = (message: string) => new CoveError(`${message}: refusing the archive`);

/**
 * Unpacks one layer into an empty directory, treating the archive as hostile:
 *
 * - paths are relative and never climb out (entry-path.ts); every parent directory is
 *   checked to be a real directory, never a symlink, before anything is created in it,
 *   and files are created with O_EXCL|O_NOFOLLOW, so no entry can write outside `root`;
 * - hard links may only point at entries already unpacked in this layer;
 * - symlinks are kept as they are: they are resolved inside the container, where its
 *   root is "/", and nothing here ever follows one;
 * - device nodes are skipped (a container gets its /dev from Cove) and setuid/setgid
 *   bits are removed from files anyone but the owner may write; containers also run with
 *   no_new_privs, and the image store is 0700, so no host user can reach a file in it;
 * - extended attributes are not applied, so an archive cannot smuggle in overlayfs's
 *   own `trusted.overlay.*` attributes;
 * - sizes and entry counts are capped by `limits` (tar-reader.ts).
 *
 * Whiteouts become overlayfs whiteouts (overlay-whiteouts.ts): the only character
 * devices ever created here are those 0/0 devices.
 */
export async function extractLayer(
  source: AsyncIterable<Buffer>,
  root: string,
  options: ExtractOptions,
): Promise<ExtractResult> {
  const writer = new LayerWriter(root, options.libc);
  for await (const { header, body } of readTar(source, options.limits)) {
    try {
      await writer.add(header, body);
    } catch (error) {
      if (error instanceof CoveError) throw error;
      throw new CoveError(`unpacking "${header.path}": ${(error as Error).message}`, 125, {
        cause: error,
      });
    }
  }
  return writer.finish();
}

class LayerWriter {
  private readonly directories = new Set<string>(['.']);
  private readonly directoryTimes = new Map<string, number>();
  private readonly opaque = new Set<string>();
  private readonly skippedDevices: string[] = [];
  private readonly strippedSetuid: string[] = [];
  private xattrCount = 0;
  private sizeBytes = 0;

  constructor(
    private readonly root: string,
    private readonly libc: Libc,
  ) {}

  private abs(path: string): string {
    return path === '.' ? this.root : join(this.root, path);
  }

  async add(header: TarEntry, body: AsyncIterable<Buffer>): Promise<void> {
    const path = entryPath(header.path);
    const name = baseName(path);
    this.xattrCount += header.xattrCount;
    if (header.uid > maxId || header.gid > maxId) {
      throw refuse(`archive entry "${path}" has an impossible owner ${header.uid}:${header.gid}`);
    }
    if (name === opaqueMarker) {
      this.ensureDirectory(parentOf(path));
      this.opaque.add(parentOf(path));
      return;
    }
    if (name.startsWith(whiteoutPrefix)) return this.addWhiteout(path, name);
    if (path === '.') {
      if (header.type !== 'directory') throw refuse('the archive root "." is not a directory');
      return this.addDirectory(path, header);
    }
    this.ensureDirectory(parentOf(path));
    switch (header.type) {
      case 'directory':
        return this.addDirectory(path, header);
      case 'file':
        return this.addFile(path, header, body);
      case 'hardlink':
        return this.addHardLink(path, header);
      case 'symlink':
        return this.addSymlink(path, header);
      case 'fifo':
        this.removeExisting(path);
        this.libc.mknodat(AT_FDCWD, this.abs(path), S_IFIFO | 0o600, 0, path);
        lchownSync(this.abs(path), header.uid, header.gid);
        chmodSync(this.abs(path), this.safeMode(path, header));
        return;
      default:
        this.skippedDevices.push(path);
    }
  }

  private addWhiteout(path: string, name: string): void {
    // `.wh..wh.*` names other than the opaque marker are aufs bookkeeping, not content.
    if (name.startsWith(`${whiteoutPrefix}${whiteoutPrefix}`)) return;
    const hidden = name.slice(whiteoutPrefix.length);
    if (hidden === '.' || hidden === '..') throw refuse(`whiteout "${path}" names "${hidden}"`);
    const parent = parentOf(path);
    const target = parent === '.' ? hidden : `${parent}/${hidden}`;
    this.ensureDirectory(parent);
    this.removeExisting(target);
    makeWhiteout(this.libc, this.abs(target));
  }

  private addDirectory(path: string, header: TarEntry): void {
    const abs = this.abs(path);
    if (!this.isDirectory(path)) {
      this.removeExisting(path);
      mkdirSync(abs, { mode: 0o700 });
      this.directories.add(path);
    }
    lchownSync(abs, header.uid, header.gid);
    chmodSync(abs, this.safeMode(path, header));
    // A directory's time changes as entries are made in it: set it once all are in.
    this.directoryTimes.set(path, header.mtime);
  }

  private async addFile(
    path: string,
    header: TarEntry,
    body: AsyncIterable<Buffer>,
  ): Promise<void> {
    this.removeExisting(path);
    // libuv adds O_CLOEXEC to every open.
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
    const fd = openSync(this.abs(path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      for await (const chunk of body) {
        for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done);
      }
      fchownSync(fd, header.uid, header.gid);
      // After chown, which clears setuid bits.
      fchmodSync(fd, this.safeMode(path, header));
      futimesSync(fd, header.mtime, header.mtime);
    } finally {
      closeSync(fd);
    }
    this.sizeBytes += header.size;
  }

  private addHardLink(path: string, header: TarEntry): void {
    const target = entryPath(header.linkPath, `hard link "${path}" target`);
    this.checkDirectories(parentOf(target), path, target);
    let isDirectory: boolean;
    try {
      isDirectory = lstatSync(this.abs(target)).isDirectory();
    } catch {
      throw refuse(`hard link "${path}" points at "${target}", which is not in this layer`);
    }
    if (isDirectory || target === path) {
      throw refuse(`hard link "${path}" points at "${target}", which cannot be linked`);
    }
    this.removeExisting(path);
    // link(2) does not follow a symlink at the target: it links the symlink itself.
    linkSync(this.abs(target), this.abs(path));
  }

  private addSymlink(path: string, header: TarEntry): void {
    if (!header.linkPath) throw refuse(`symlink "${path}" has no target`);
    this.removeExisting(path);
    symlinkSync(header.linkPath, this.abs(path));
    lchownSync(this.abs(path), header.uid, header.gid);
    lutimesSync(this.abs(path), header.mtime, header.mtime);
  }

  private safeMode(path: string, header: TarEntry): number {
    let mode = header.mode & 0o7777;
    if (header.type === 'directory') return mode & ~S_ISUID;
    if (mode & (S_ISUID | S_ISGID) && (mode & 0o022 || header.type !== 'file')) {
      mode &= ~(S_ISUID | S_ISGID);
      this.strippedSetuid.push(path);
    }
    return mode;
  }

  private isDirectory(path: string): boolean {
    if (this.directories.has(path)) return true;
    try {
      return lstatSync(this.abs(path)).isDirectory();
    } catch {
      return false;
    }
  }

  /** Makes `path` and its parents directories, refusing to pass through anything else. */
  private ensureDirectory(path: string): void {
    if (this.directories.has(path)) return;
    this.ensureDirectory(parentOf(path));
    let stats: ReturnType<typeof lstatSync> | undefined;
    try {
      stats = lstatSync(this.abs(path));
    } catch {
      mkdirSync(this.abs(path), { mode: 0o755 });
    }
    if (stats?.isSymbolicLink()) {
      throw refuse(`"${path}" is a symlink in this layer and the archive writes through it`);
    }
    if (stats && !stats.isDirectory()) {
      throw refuse(`"${path}" is not a directory, yet the archive writes into it`);
    }
    this.directories.add(path);
  }

  /** Like ensureDirectory, for a path that must already exist in this layer. */
  private checkDirectories(path: string, link: string, target: string): void {
    if (this.directories.has(path)) return;
    this.checkDirectories(parentOf(path), link, target);
    let stats: ReturnType<typeof lstatSync> | undefined;
    try {
      stats = lstatSync(this.abs(path));
    } catch {
      throw refuse(`hard link "${link}" points at "${target}", which is not in this layer`);
    }
    if (!stats.isDirectory()) {
      throw refuse(
        `hard link "${link}" passes through "${path}", which is not a directory in this layer`,
      );
    }
    this.directories.add(path);
  }

  /** A later entry replaces an earlier one of the same name, as tar(1) does. */
  private removeExisting(path: string): void {
    let stats: ReturnType<typeof lstatSync>;
    try {
      stats = lstatSync(this.abs(path));
    } catch {
      return;
    }
    if (!stats.isDirectory()) {
      unlinkSync(this.abs(path));
      return;
    }
    rmSync(this.abs(path), { recursive: true });
    for (const known of this.directories) {
      if (known === path || known.startsWith(`${path}/`)) this.directories.delete(known);
    }
  }

  finish(): ExtractResult {
    for (const path of this.opaque) {
      if (this.isDirectory(path)) markOpaque(this.libc, this.abs(path));
    }
    const deepestFirst = [...this.directoryTimes].sort(
      ([a], [b]) => b.split('/').length - a.split('/').length,
    );
    for (const [path, mtime] of deepestFirst) {
      if (this.isDirectory(path)) utimesSync(this.abs(path), mtime, mtime);
    }
    const warnings: string[] = [];
    const first = (paths: string[]) => `(first: /${paths[0]})`;
    if (this.skippedDevices.length) {
      warnings.push(
        `skipped ${this.skippedDevices.length} device node(s) ${first(this.skippedDevices)}: a container gets its /dev from Cove`,
      );
    }
    if (this.strippedSetuid.length) {
      warnings.push(
        `removed setuid/setgid from ${this.strippedSetuid.length} writable or special file(s) ${first(this.strippedSetuid)}`,
      );
    }
    if (this.xattrCount) {
      warnings.push(
        `ignored ${this.xattrCount} extended attribute(s): Cove does not copy xattrs (such as file capabilities) from images`,
      );
    }
    return { sizeBytes: this.sizeBytes, warnings };
  }
}
