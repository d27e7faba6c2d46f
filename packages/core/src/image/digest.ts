import { createHash, type Hash } from 'node:crypto';
import { CoveError } from '../errors.js';

/** A content digest as OCI writes it. Cove verifies sha256, the algorithm registries use. */
export type Digest = `sha256:${string}`;

const digestPattern = /^sha256:[a-f0-9]{64}$/;

export function isDigest(text: string): text is Digest {
  return digestPattern.test(text);
}

/** Checks a digest read from an archive, a manifest or a registry; `what` names where it came from. */
export function parseDigest(text: unknown, what: string): Digest {
  if (typeof text === 'string' && isDigest(text)) return text;
  const shown = typeof text === 'string' ? text.slice(0, 80) : String(text);
  throw new CoveError(
    `${what}: "${shown}" is not a digest Cove can verify (it checks sha256:<64 hex digits>)`,
  );
}

export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

export function sha256Digest(data: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Counts and hashes every chunk that passes through, so a stream can be checked at its end. */
export class DigestCounter {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }

  /** Passes `source` through unchanged, hashing it on the way. */
  async *tap(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      this.update(chunk);
      yield chunk;
    }
  }
}
