import { closeSync, openSync, readSync } from 'node:fs';
import { CgroupError, cgroupFsError, type ErrnoAdvice } from './cgroup-error.js';

/** Shared by every held file: reads are synchronous and each is decoded before the next. */
let scratch = Buffer.allocUnsafe(8192);

/**
 * A cgroup file kept open for reading again and again. cgroupfs regenerates a file's
 * content on every read from offset 0 (seq_file restarts there), so one pread(2) replaces
 * readFileSync's open, fstat, read and close. A file of a removed cgroup reads ENODEV.
 */
export class HeldCgroupFile {
  private fd: number | undefined;

  constructor(
    readonly path: string,
    advice?: ErrnoAdvice,
  ) {
    try {
      this.fd = openSync(path, 'r');
    } catch (error) {
      throw cgroupFsError('open', path, error, advice);
    }
  }

  /** The whole file as text (cgroup files are ASCII). */
  read(): string {
    if (this.fd === undefined) {
      throw new CgroupError('read', this.path, 'EBADF', `read ${this.path}: the file was closed`);
    }
    try {
      for (;;) {
        const length = readSync(this.fd, scratch, 0, scratch.length, 0);
        if (length < scratch.length) return scratch.toString('latin1', 0, length);
        // It filled the buffer, so there may be more: read it again whole into a larger one.
        scratch = Buffer.allocUnsafe(scratch.length * 2);
      }
    } catch (error) {
      throw cgroupFsError('read', this.path, error);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The files a reader holds, closed together; a reader that fails to open closes them. */
export class HeldCgroupFiles {
  private readonly files: HeldCgroupFile[] = [];

  hold(path: string, advice?: ErrnoAdvice): HeldCgroupFile {
    const file = new HeldCgroupFile(path, advice);
    this.files.push(file);
    return file;
  }

  /** For files some kernels lack: `undefined` when there is none (ENOENT). */
  holdIfPresent(path: string): HeldCgroupFile | undefined {
    try {
      return this.hold(path);
    } catch (error) {
      if (error instanceof CgroupError && error.code === 'ENOENT') return undefined;
      throw error;
    }
  }

  close(): void {
    for (const file of this.files) file.close();
  }
}
