import { readFileSync, writeFileSync } from 'node:fs';

type Entry =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; data: Buffer }
  | { kind: 'symlink'; path: string; target: string };

const block = 512;

/** The applets the imported image's tests call, linked to busybox as Debian links them. */
const applets = ['sh', 'echo', 'sleep', 'cat', 'ls', 'hostname', 'ps'];

/**
 * A plain root filesystem tarball (what `docker export` writes): a static busybox and
 * the few files a shell expects, built here so the upload scenario needs no download.
 */
export function writeBusyboxRootfsTarball(path: string, busybox = '/bin/busybox'): number {
  const entries: Entry[] = [
    ...['bin/', 'dev/', 'etc/', 'proc/', 'sys/', 'root/'].map(
      (dir): Entry => ({ kind: 'dir', path: dir, mode: 0o755 }),
    ),
    { kind: 'dir', path: 'tmp/', mode: 0o1777 },
    { kind: 'file', path: 'bin/busybox', mode: 0o755, data: readFileSync(busybox) },
    ...applets.map(
      (applet): Entry => ({ kind: 'symlink', path: `bin/${applet}`, target: 'busybox' }),
    ),
    {
      kind: 'file',
      path: 'etc/passwd',
      mode: 0o644,
      data: Buffer.from('root:x:0:0:root:/root:/bin/sh\n'),
    },
    { kind: 'file', path: 'etc/group', mode: 0o644, data: Buffer.from('root:x:0:\n') },
  ];
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.kind === 'file' ? entry.data : Buffer.alloc(0);
    parts.push(header(entry, data.length), data, Buffer.alloc(padding(data.length)));
  }
  parts.push(Buffer.alloc(2 * block)); // two zero blocks end the archive
  const tarball = Buffer.concat(parts);
  writeFileSync(path, tarball);
  return tarball.length;
}

function header(entry: Entry, size: number): Buffer {
  const buffer = Buffer.alloc(block);
  const put = (text: string, offset: number, length: number) =>
    buffer.write(text, offset, length, 'utf8');
  const octal = (value: number, offset: number, length: number) =>
    put(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
  put(entry.path, 0, 100);
  octal(entry.kind === 'symlink' ? 0o777 : entry.mode, 100, 8);
  octal(0, 108, 8); // uid root
  octal(0, 116, 8); // gid root
  octal(size, 124, 12);
  octal(Math.floor(Date.now() / 1000), 136, 12);
  put(' '.repeat(8), 148, 8); // the checksum counts its own field as spaces
  put(entry.kind === 'dir' ? '5' : entry.kind === 'symlink' ? '2' : '0', 156, 1);
  if (entry.kind === 'symlink') put(entry.target, 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put('root', 265, 32);
  put('root', 297, 32);
  let sum = 0;
  for (const byte of buffer) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return buffer;
}

function padding(size: number): number {
  return (block - (size % block)) % block;
}
