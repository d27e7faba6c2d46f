import { questionCodec } from './section-codecs.js';

/**
 * Whether `answer` answers `query` (both as bytes): a response with the query's id and its
 * one question. Anything else (a late answer to an earlier attempt, a forged packet,
 * garbage) is not passed to a client. Only the header and the question are read (the
 * question by dns-packet), since decoding the whole answer cost more than the rest of a
 * forward. Names compare in either case: resolvers may randomise a name's case (DNS
 * 0x20), and an upstream's echo keeps it, or not.
 */
export function answersQuery(answer: Buffer, query: Buffer): boolean {
  if (answer.length < HEADER_BYTES || query.length < HEADER_BYTES) return false;
  if (answer.readUInt16BE(0) !== query.readUInt16BE(0)) return false;
  if ((answer.readUInt16BE(2) & RESPONSE_FLAG) === 0) return false;
  if (answer.readUInt16BE(4) !== 1 || query.readUInt16BE(4) !== 1) return false;
  try {
    const asked = questionCodec.decode(query, HEADER_BYTES);
    const echoed = questionCodec.decode(answer, HEADER_BYTES);
    return (
      echoed.type === asked.type &&
      echoed.class === asked.class &&
      echoed.name.toLowerCase() === asked.name.toLowerCase()
    );
  } catch {
    return false;
  }
}

const HEADER_BYTES = 12;
/** The header's QR bit (RFC 1035 §4.1.1): set in a response. */
const RESPONSE_FLAG = 0x8000;
