import { CoveError } from '../errors.js';

/** The tar block size: headers and the padding after each file's data are 512 bytes. */
export const blockSize = 512;

export type TarEntryType =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'char'
  | 'block'
  | 'directory'
  | 'fifo'
  /** Headers that describe the next entry: PAX extended headers, GNU long names. */
  | 'pax'
  | 'pax-global'
  | 'gnu-long-name'
  | 'gnu-long-link';

export interface TarHeader {
  path: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkPath: string;
  devMajor: number;
  devMinor: number;
}

const typeFlags: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file', // "contiguous file": a regular file everywhere but on one old Unix
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-long-name',
  K: 'gnu-long-link',
};

const flagOf = Object.fromEntries(
  Object.entries(typeFlags)
    .filter(([flag]) => flag !== '\0' && flag !== '7')
    .map(([flag, type]) => [type, flag]),
) as Record<TarEntryType, string>;

export function isZeroBlock(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

function readString(block: Buffer, offset: number, length: number): string {
  const end = block.indexOf(0, offset);
  return block.toString('utf8', offset, end < 0 || end > offset + length ? offset + length : end);
}

/** Octal text, or GNU's base-256 (first byte's high bit set) for values octal cannot hold. */
function readNumber(block: Buffer, offset: number, length: number, field: string): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) throw new CoveError(`tar header: negative ${field}`);
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) {
      value = value * 256 + (block[offset + i] ?? 0);
      if (value > Number.MAX_SAFE_INTEGER) throw new CoveError(`tar header: ${field} is absurd`);
    }
    return value;
  }
  const text = readString(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new CoveError(`tar header: ${field} "${text}" is not octal`);
  return text ? Number.parseInt(text, 8) : 0;
}

function checksumMatches(block: Buffer): boolean {
  const stored = readNumber(block, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < blockSize; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** Decodes one 512-byte header block; throws on a damaged or unknown one. */
export function parseHeader(block: Buffer): TarHeader {
  if (!checksumMatches(block)) {
    throw new CoveError('tar header checksum mismatch: the archive is damaged or not a tar file');
  }
  const flag = String.fromCharCode(block[156] ?? 0);
  const type = typeFlags[flag];
  if (!type) {
    throw new CoveError(
      `tar entry "${readString(block, 0, 100)}" has type "${flag}" (sparse, multi-volume or vendor-specific), which Cove does not unpack`,
    );
  }
  const name = readString(block, 0, 100);
  // POSIX ustar keeps a path prefix at 345; GNU's "ustar  " uses those bytes for other things.
  const posix = block.toString('latin1', 257, 263) === 'ustar\0';
  const prefix = posix ? readString(block, 345, 155) : '';
  return {
    path: prefix ? `${prefix}/${name}` : name,
    type,
    mode: readNumber(block, 100, 8, 'mode'),
    uid: readNumber(block, 108, 8, 'uid'),
    gid: readNumber(block, 116, 8, 'gid'),
    size: readNumber(block, 124, 12, 'size'),
    mtime: readNumber(block, 136, 12, 'mtime'),
    linkPath: readString(block, 157, 100),
    devMajor: readNumber(block, 329, 8, 'devmajor'),
    devMinor: readNumber(block, 337, 8, 'devminor'),
  };
}

/** PAX records: `LENGTH KEY=VALUE\n`, LENGTH counting the whole record. */
export function parsePaxRecords(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    const length = Number(body.toString('latin1', offset, space));
    if (space < 0 || !Number.isInteger(length) || length <= 0 || offset + length > body.length) {
      throw new CoveError('tar PAX header: a record has a bad length');
    }
    const record = body.toString('utf8', space + 1, offset + length - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw new CoveError('tar PAX header: a record has no key');
    records.set(record.slice(0, eq), record.slice(eq + 1));
    offset += length;
  }
  return records;
}

function writeString(block: Buffer, text: string, offset: number, length: number): void {
  block.write(text, offset, length, 'utf8');
}

function writeOctal(block: Buffer, value: number, offset: number, length: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}

function fitsOctal(value: number, length: number): boolean {
  return value >= 0 && value < 8 ** (length - 1);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

function encodeBlock(header: TarHeader): Buffer {
  const block = Buffer.alloc(blockSize);
  writeString(block, header.path, 0, 100);
  writeOctal(block, header.mode & 0o7777, 100, 8);
  writeOctal(block, header.uid, 108, 8);
  writeOctal(block, header.gid, 116, 8);
  writeOctal(block, header.size, 124, 12);
  writeOctal(block, Math.floor(header.mtime), 136, 12);
  block.fill(0x20, 148, 156);
  block.write(flagOf[header.type], 156, 1, 'latin1');
  writeString(block, header.linkPath, 157, 100);
  block.write('ustar\x0000', 257, 8, 'latin1');
  writeOctal(block, header.devMajor, 329, 8);
  writeOctal(block, header.devMinor, 337, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

export function paddingFor(size: number): number {
  return (blockSize - (size % blockSize)) % blockSize;
}

/**
 * The header blocks for one entry: a PAX extended header first when a name or a number
 * does not fit the fixed ustar fields, as Go's archive/tar and GNU tar write it.
 */
export function encodeHeader(header: TarHeader): Buffer {
  const pax: string[] = [];
  if (Buffer.byteLength(header.path) > 100) pax.push(paxRecord('path', header.path));
  if (Buffer.byteLength(header.linkPath) > 100) pax.push(paxRecord('linkpath', header.linkPath));
  if (!fitsOctal(header.size, 12)) pax.push(paxRecord('size', String(header.size)));
  if (!fitsOctal(header.uid, 8)) pax.push(paxRecord('uid', String(header.uid)));
  if (!fitsOctal(header.gid, 8)) pax.push(paxRecord('gid', String(header.gid)));
  const main = encodeBlock({
    ...header,
    path: pax.length ? header.path.slice(0, 99) : header.path,
    linkPath: header.linkPath.slice(0, 99),
    size: fitsOctal(header.size, 12) ? header.size : 0,
    uid: fitsOctal(header.uid, 8) ? header.uid : 0,
    gid: fitsOctal(header.gid, 8) ? header.gid : 0,
  });
  if (!pax.length) return main;
  const body = Buffer.from(pax.join(''));
  const paxHeader = encodeBlock({
    path: 'PaxHeaders/entry',
    type: 'pax',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: body.length,
    mtime: header.mtime,
    linkPath: '',
    devMajor: 0,
    devMinor: 0,
  });
  return Buffer.concat([paxHeader, body, Buffer.alloc(paddingFor(body.length)), main]);
}

/** Two zero blocks end an archive. */
export const endOfArchive = Buffer.alloc(2 * blockSize);
