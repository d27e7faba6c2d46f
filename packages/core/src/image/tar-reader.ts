import { formatBytes } from '@cove/shared';
import { CoveError } from '../errors.js';
import {
  blockSize,
  isZeroBlock,
  paddingFor,
  parseHeader,
  parsePaxRecords,
  type TarHeader,
} from './tar-header.js';

/** What an archive may unpack to: the guard against decompression bombs and tar bombs. */
export interface TarLimits {
  /** Most bytes of tar (headers and data) one archive may yield once decompressed. */
  maxBytes: number;
  maxEntries: number;
}

export const defaultTarLimits: TarLimits = { maxBytes: 16 * 1024 ** 3, maxEntries: 1_000_000 };

/** PAX headers and GNU long names are small; a huge one is an attack on memory. */
const maxMetadataBytes = 1024 * 1024;

export interface TarEntry extends TarHeader {
  /** Extended attributes the archive carried; Cove does not apply them (see layer-extract). */
  xattrCount: number;
}

export interface TarItem {
  header: TarEntry;
  /** The entry's data. Read it before asking for the next entry, or it is skipped. */
  body: AsyncIterable<Buffer>;
  /** Where the data starts in the (decompressed) stream, for indexing an archive file. */
  offset: number;
}

const truncated = () =>
  new CoveError('the archive ends in the middle of an entry: it is truncated or damaged');

/** Hands out exact byte counts from a stream of chunks of any size, counting them all. */
class ByteSource {
  private pending: Buffer = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Buffer>;
  private pulled = 0;
  position = 0;

  constructor(
    source: AsyncIterable<Buffer>,
    private readonly limits: TarLimits,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async pull(): Promise<boolean> {
    const next = await this.iterator.next();
    if (next.done) return false;
    const chunk = next.value;
    this.pulled += chunk.length;
    if (this.pulled > this.limits.maxBytes) {
      throw new CoveError(
        `the archive unpacks to more than ${formatBytes(this.limits.maxBytes)}: refusing it (a decompression bomb, or more than Cove accepts)`,
      );
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    return true;
  }

  /** Exactly `n` bytes, or null when the stream ended cleanly before them. */
  async read(n: number): Promise<Buffer | null> {
    while (this.pending.length < n) {
      if (await this.pull()) continue;
      if (!this.pending.length) return null;
      throw truncated();
    }
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    this.position += n;
    return out;
  }

  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!this.pending.length && !(await this.pull())) throw truncated();
      const part = this.pending.subarray(0, Math.min(left, this.pending.length));
      this.pending = this.pending.subarray(part.length);
      this.position += part.length;
      left -= part.length;
      yield part;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.take(n));
  }

  /** Reads what follows the end marker, so whoever hashes the stream sees all of it. */
  async drain(): Promise<void> {
    this.pending = Buffer.alloc(0);
    while (await this.pull()) this.pending = Buffer.alloc(0);
  }

  remaining(): number {
    return this.limits.maxBytes - this.position;
  }
}

function paxNumber(records: Map<string, string>, key: string): number | undefined {
  const text = records.get(key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isSafeInteger(Math.floor(value))) {
    throw new CoveError(`tar PAX header: ${key}="${text.slice(0, 40)}" is not a number`);
  }
  return Math.floor(value);
}

function applyPax(header: TarHeader, records: Map<string, string>): TarEntry {
  if (!records.size) return { ...header, xattrCount: 0 };
  if ([...records.keys()].some((key) => key.startsWith('GNU.sparse.'))) {
    throw new CoveError(`tar entry "${header.path}" is a sparse file, which Cove does not unpack`);
  }
  return {
    ...header,
    path: records.get('path') ?? header.path,
    linkPath: records.get('linkpath') ?? header.linkPath,
    size: paxNumber(records, 'size') ?? header.size,
    uid: paxNumber(records, 'uid') ?? header.uid,
    gid: paxNumber(records, 'gid') ?? header.gid,
    mtime: paxNumber(records, 'mtime') ?? header.mtime,
    xattrCount: [...records.keys()].filter((key) => key.startsWith('SCHILY.xattr.')).length,
  };
}

async function readMetadata(bytes: ByteSource, header: TarHeader): Promise<Buffer> {
  if (header.size > maxMetadataBytes) {
    throw new CoveError(
      `tar ${header.type} header of ${formatBytes(header.size)}: more than any real archive needs, refusing it`,
    );
  }
  const body = header.size ? await bytes.read(header.size) : Buffer.alloc(0);
  if (!body) throw truncated();
  await bytes.skip(paddingFor(header.size));
  return body;
}

const cString = (body: Buffer) =>
  body.toString('utf8', 0, body.indexOf(0) < 0 ? undefined : body.indexOf(0));

/**
 * Reads a tar stream (ustar, PAX and GNU forms) entry by entry without buffering file
 * data. It never touches the filesystem: what to do with each entry, and whether it is
 * safe, is the caller's decision. The stream must end with the end-of-archive marker.
 */
export async function* readTar(
  source: AsyncIterable<Buffer>,
  limits: TarLimits = defaultTarLimits,
): AsyncGenerator<TarItem> {
  const bytes = new ByteSource(source, limits);
  const global = new Map<string, string>();
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let entries = 0;
  for (;;) {
    const block = await bytes.read(blockSize);
    if (!block) {
      throw new CoveError(
        'the archive ends without its end-of-archive marker: it is truncated or not a tar file',
      );
    }
    if (isZeroBlock(block)) {
      await bytes.drain();
      return;
    }
    if (++entries > limits.maxEntries) {
      throw new CoveError(`the archive has more than ${limits.maxEntries} entries: refusing it`);
    }
    const raw = parseHeader(block);
    if (raw.type === 'pax' || raw.type === 'pax-global') {
      const records = parsePaxRecords(await readMetadata(bytes, raw));
      if (raw.type === 'pax') pax = records;
      else
        for (const [key, value] of records)
          if (key !== 'path' && key !== 'linkpath') global.set(key, value);
      continue;
    }
    if (raw.type === 'gnu-long-name' || raw.type === 'gnu-long-link') {
      const text = cString(await readMetadata(bytes, raw));
      if (raw.type === 'gnu-long-name') longName = text;
      else longLink = text;
      continue;
    }
    const header = applyPax(
      { ...raw, path: longName ?? raw.path, linkPath: longLink ?? raw.linkPath },
      global.size ? new Map([...global, ...pax]) : pax,
    );
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    // Only regular files carry data; a size on a link or directory header is ignored, as
    // Go's archive/tar and GNU tar do.
    const dataSize = header.type === 'file' ? header.size : 0;
    if (header.type !== 'file') header.size = 0;
    if (dataSize > bytes.remaining()) {
      throw new CoveError(
        `tar entry "${header.path}" declares ${formatBytes(dataSize)}, more than the archive may unpack to: refusing it`,
      );
    }
    const offset = bytes.position;
    let unread = dataSize;
    const body = (async function* () {
      for await (const chunk of bytes.take(unread)) {
        unread -= chunk.length;
        yield chunk;
      }
    })();
    yield { header, body, offset };
    await bytes.skip(unread);
    await bytes.skip(paddingFor(dataSize));
  }
}
