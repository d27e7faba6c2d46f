import { isIPv4 } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';
import type { NameBook } from './name-book.js';
import { classifyName } from './name-question.js';
import { readPlainQuestion } from './plain-question.js';
import { recordCodec } from './section-codecs.js';

/**
 * The two questions a container's resolver asks most, answered without decoding the
 * whole message: `A` of a container's name (the reply's bytes), and `A` or `AAAA` of a
 * name elsewhere in the DNS (`forward`: the message goes to the upstreams as it is).
 * Undefined sends the message down the full path, which decodes it and knows every rule.
 */
export type QuickAnswer = (message: Buffer, source: string) => Buffer | typeof FORWARD | undefined;
export const FORWARD = 'forward';

/** QR, AA and RA set, opcode QUERY, rcode NOERROR; RD is copied from the query. */
const ANSWER_FLAGS = dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | 0x8000;
/** Without EDNS a UDP reply holds 512 bytes; a bigger one takes the full path, which truncates. */
const MAX_REPLY_BYTES = 512;
/**
 * Replies' bodies kept: one per name as asked (case and all) and its addresses. Bounded,
 * since a resolver that randomises case (DNS 0x20) asks each name in many spellings.
 */
const MAX_BODIES = 1024;

/**
 * The reply to `A <container>`: a header, then the question as it came and the records,
 * encoded by dns-packet once per question and answer and kept; the same reply the full
 * path gives (BookAnswers), without building a packet to encode. Says `forward` for `A` or `AAAA` of a name with a
 * dot outside Cove's domain (not a reverse lookup), asked by a container: what the full
 * path does with it too. Returns undefined for everything else, and for anything
 * unusual, so that the full path answers it: the asker is not a container, the name is
 * not known to it, the reply would not fit, or the book misbehaves.
 */
export function createQuickAnswer(book: NameBook, domain: string, ttl: number): QuickAnswer {
  const bodies = new Map<string, Buffer>();
  return (message, source) => {
    const question = readPlainQuestion(message);
    if (question === undefined || question.class !== 'IN') return undefined;
    if (question.type !== 'A' && question.type !== 'AAAA') return undefined;
    const asked = classifyName(question.name, domain);
    if (asked.kind !== 'container' && asked.kind !== 'elsewhere') return undefined;
    try {
      if (!book.serves(source)) return undefined;
      if (asked.kind === 'elsewhere') return FORWARD;
      if (question.type !== 'A') return undefined;
      const addresses = book.lookup(source, asked.label);
      if (addresses === undefined || addresses.length === 0) return undefined;
      // dns-packet writes whatever it is given: an address that is not one is not sent.
      if (!addresses.every((address) => isIPv4(address))) return undefined;
      // The question as it came and its records, encoded once per question and answer:
      // only the id and RD differ from one such query to the next.
      const key = `${message.toString('latin1', 12, question.end)}\n${addresses.join(',')}`;
      let body = bodies.get(key);
      if (body === undefined) {
        body = encodeBody(message.subarray(12, question.end), question.name, addresses, ttl);
        if (body === undefined) return undefined;
        if (bodies.size >= MAX_BODIES) bodies.clear();
        bodies.set(key, body);
      }

      const reply = Buffer.allocUnsafe(12 + body.length);
      reply.writeUInt16BE(question.id, 0);
      const flags = ANSWER_FLAGS | (question.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0);
      reply.writeUInt16BE(flags, 2);
      reply.writeUInt16BE(1, 4); // one question; the answers next; no authority, no additional
      reply.writeUInt16BE(addresses.length, 6);
      reply.writeUInt32BE(0, 8);
      body.copy(reply, 12);
      return reply;
    } catch {
      // A book that throws, an address dns-packet will not encode: the full path's to say.
      return undefined;
    }
  };
}

/**
 * A reply's body: the question as it came, then an A record per address, encoded by
 * dns-packet; undefined when it would not fit in a UDP reply.
 */
function encodeBody(
  question: Buffer,
  name: string,
  addresses: readonly string[],
  ttl: number,
): Buffer | undefined {
  const records: Answer[] = addresses.map((address) => ({
    type: 'A',
    class: 'IN',
    name,
    ttl,
    data: address,
  }));
  let length = question.length;
  for (const record of records) length += recordCodec.encodingLength(record);
  if (12 + length > MAX_REPLY_BYTES) return undefined;
  const body = Buffer.alloc(length);
  question.copy(body, 0);
  let offset = question.length;
  for (const record of records) {
    recordCodec.encode(record, body, offset);
    offset += recordCodec.encode.bytes;
  }
  return body;
}
