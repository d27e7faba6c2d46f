/**
 * Whether `answer` answers `query` (both as bytes): a response with the query's id and its
 * one question. Anything else (a late answer to an earlier attempt, a forged packet,
 * garbage) is not passed to a client. Read from the bytes, since decoding the whole answer
 * cost more than the rest of a forward: the question section is compared as it is on the
 * wire, letters in either case, since resolvers may randomise a name's case (DNS 0x20)
 * and an upstream's echo keeps it, or not.
 */
export function answersQuery(answer: Buffer, query: Buffer): boolean {
  if (answer.length < HEADER_BYTES || query.length < HEADER_BYTES) return false;
  if (answer.readUInt16BE(0) !== query.readUInt16BE(0)) return false;
  if ((answer.readUInt16BE(2) & RESPONSE_FLAG) === 0) return false;
  if (answer.readUInt16BE(4) !== 1 || query.readUInt16BE(4) !== 1) return false;
  const end = questionEnd(query);
  if (end === undefined || answer.length < end) return false;
  for (let i = HEADER_BYTES; i < end; i++) {
    if (foldCase(answer[i] ?? 0) !== foldCase(query[i] ?? 0)) return false;
  }
  return true;
}

const HEADER_BYTES = 12;
const RESPONSE_FLAG = 0x8000;

/**
 * Where the first question ends: its labels, the empty root label, type and class. A
 * compression pointer cannot appear in the first name (there is nothing before it to
 * point at), so one means the message is malformed.
 */
function questionEnd(message: Buffer): number | undefined {
  let offset = HEADER_BYTES;
  while (offset < message.length) {
    const length = message.readUInt8(offset);
    offset += 1;
    if (length === 0) return offset + 4 <= message.length ? offset + 4 : undefined;
    if (length > 63) return undefined;
    offset += length;
  }
  return undefined;
}

/** ASCII letters to lower case; every other byte as it is (RFC 4343). */
function foldCase(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}
