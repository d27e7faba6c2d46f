/**
 * DNS over TCP sends each message after its length in two bytes (RFC 1035 §4.2.2). The
 * messages themselves stay opaque here: a forwarded answer is relayed byte for byte.
 */

const EMPTY = Buffer.alloc(0);

/** `message` with its length in front, ready to write to a TCP stream. */
export function lengthPrefixed(message: Buffer): Buffer {
  if (message.length > 0xffff) {
    throw new RangeError(`DNS over TCP: a ${message.length}-byte message exceeds 65535 bytes`);
  }
  const framed = Buffer.allocUnsafe(2 + message.length);
  framed.writeUInt16BE(message.length, 0);
  message.copy(framed, 2);
  return framed;
}

/** Collects a TCP stream's chunks and hands back whole messages, however the bytes were split. */
export class FrameReader {
  private buffered: Buffer = EMPTY;

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
  }

  /** The next whole message, without its length; undefined until all of it has arrived. */
  next(): Buffer | undefined {
    if (this.buffered.length < 2) return undefined;
    const end = 2 + this.buffered.readUInt16BE(0);
    if (this.buffered.length < end) return undefined;
    const message = this.buffered.subarray(2, end);
    this.buffered = this.buffered.subarray(end);
    return message;
  }
}
