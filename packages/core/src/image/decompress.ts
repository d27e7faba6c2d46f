import { spawn } from 'node:child_process';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CoveError } from '../errors.js';

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

export function detectCompression(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  return 'none';
}

/** Reads the first bytes of a stream to see what it is, then gives the whole stream back. */
async function peek(
  source: AsyncIterable<Buffer>,
): Promise<{ head: Buffer; stream: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let length = 0;
  while (length < 8) {
    const next = await iterator.next();
    if (next.done) break;
    seen.push(next.value);
    length += next.value.length;
  }
  const stream = (async function* () {
    yield* seen;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  })();
  return { head: Buffer.concat([...seen, Buffer.alloc(8)]).subarray(0, 8), stream };
}

/**
 * Node 20's zlib has no zstd, so zstd layers go through Debian's `zstd` command, which
 * reads the stream and writes it back decompressed.
 */
async function* zstdDecompress(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const child = spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  pipeline(Readable.from(source), child.stdin, () => {});
  try {
    yield* child.stdout;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const { code, error } = await exited;
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new CoveError(
      'this layer is zstd-compressed, which needs the zstd command: apt-get install zstd',
    );
  }
  if (code !== 0) throw new CoveError(`zstd: ${stderr.trim() || `exit status ${code}`}`);
}

/**
 * The stream, decompressed by what its first bytes say it is (not by a media type a
 * hostile archive could lie about). gzip and zstd are what images use; xz and bzip2 are
 * refused with a hint.
 */
export async function decompress(
  source: AsyncIterable<Buffer>,
): Promise<{ compression: Compression; stream: AsyncIterable<Buffer> }> {
  const { head, stream } = await peek(source);
  const compression = detectCompression(head);
  switch (compression) {
    case 'none':
      return { compression, stream };
    case 'gzip':
      return {
        compression,
        stream: pipeline(Readable.from(stream), createGunzip({ chunkSize: 64 * 1024 }), () => {}),
      };
    case 'zstd':
      return { compression, stream: zstdDecompress(stream) };
    default:
      throw new CoveError(
        `the archive is ${compression}-compressed, which Cove does not read: decompress it first (or use gzip)`,
      );
  }
}
