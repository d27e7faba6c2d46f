import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { CoveError } from '../errors.js';

const exists = (path: string) => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};

/** Finds the program to exec the way execvp(3) does, inside the container's root. */
export function resolveCommand(program: string, env: string[], imageName: string): string {
  if (program.includes('/')) {
    if (!exists(program)) {
      throw new CoveError(`exec: ${program}: no such file or directory in image ${imageName}`, 127);
    }
    return program;
  }
  const path = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '';
  for (const dir of path.split(':').filter(Boolean)) {
    const candidate = `${dir}/${program}`;
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  throw new CoveError(
    `exec: "${program}": executable file not found in $PATH (${path}) of image ${imageName}`,
    127,
  );
}

function readHead(path: string, length: number, position = 0): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The program interpreter an ELF executable names in PT_INTERP, if it is dynamic. */
export function elfInterpreter(path: string): string | undefined {
  const header = readHead(path, 64);
  if (header.length < 64 || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) {
    return undefined; // not a 64-bit ELF file
  }
  const phoff = Number(header.readBigUInt64LE(32));
  const phentsize = header.readUInt16LE(54);
  const phnum = header.readUInt16LE(56);
  const table = readHead(path, phentsize * phnum, phoff);
  for (let i = 0; i < phnum; i++) {
    const entry = i * phentsize;
    if (table.readUInt32LE(entry) !== 3) continue; // PT_INTERP
    const offset = Number(table.readBigUInt64LE(entry + 8));
    const size = Number(table.readBigUInt64LE(entry + 32));
    return readHead(path, size, offset).toString('utf8').replace(/\0+$/, '');
  }
  return undefined;
}

/**
 * execve(2) says ENOENT both when the file is missing and when the interpreter it
 * needs is: the seeds' "required file not found" trap. Say which.
 */
export function explainExecFailure(path: string, code: string, imageName: string): CoveError {
  if (code === 'EACCES') {
    return new CoveError(
      `exec: ${path}: permission denied (not executable) in image ${imageName}`,
      126,
    );
  }
  if (code === 'ENOEXEC') {
    return new CoveError(`exec: ${path}: exec format error (not a program for this machine)`, 126);
  }
  if (code === 'ENOENT' && exists(path)) {
    const head = readHead(path, 256).toString('utf8');
    if (head.startsWith('#!')) {
      const interpreter = head.slice(2).split('\n')[0]?.trim().split(/\s+/)[0] ?? '';
      return new CoveError(
        `exec: ${path}: its interpreter ${interpreter} (from the #! line) is not in image ${imageName}`,
        127,
      );
    }
    const interpreter = elfInterpreter(path);
    if (interpreter && !exists(interpreter)) {
      return new CoveError(
        `exec: ${path}: its ELF interpreter ${interpreter} is not in image ${imageName} (a dynamically linked program needs its loader and libraries inside the container; a static binary does not)`,
        127,
      );
    }
  }
  return new CoveError(`exec: ${path}: ${code}`, code === 'ENOENT' ? 127 : 126);
}
