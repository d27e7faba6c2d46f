import { isIPv4 } from 'node:net';
import type { NameBook } from './name-book.js';
import { classifyName } from './name-question.js';
import { readPlainQuestion } from './plain-question.js';

/**
 * The two questions a container's resolver asks most, answered without decoding: `A` of a
 * container's name (the reply's bytes), and `A` of a name elsewhere in the DNS (`forward`:
 * the message goes to the upstreams as it is). Undefined sends the message down the full
 * path, which decodes it and knows every rule.
 */
export type QuickAnswer = (message: Buffer, source: string) => Buffer | typeof FORWARD | undefined;
export const FORWARD = 'forward';

const TYPE_A = 1;
const TYPE_AAAA = 28;
const CLASS_IN = 1;
/** QR, AA and RA set, opcode QUERY, rcode NOERROR; RD is copied from the query. */
const ANSWER_FLAGS = 0x8000 | 0x0400 | 0x0080;
const RECURSION_DESIRED_FLAG = 0x0100;
/** A pointer to the question's name at offset 12 (RFC 1035 §4.1.4). */
const NAME_POINTER = 0xc00c;
/** Pointer, type, class, TTL, length, four address bytes. */
const A_RECORD_BYTES = 16;
/** Without EDNS a UDP reply holds 512 bytes; a bigger one takes the full path, which truncates. */
const MAX_REPLY_BYTES = 512;

/**
 * Writes the reply to `A <container>` from the query's bytes, with no decoder and no
 * encoder in between; the same reply the full path gives (BookAnswers), only sooner.
 * Says `forward` for `A` or `AAAA` of a name with a dot outside Cove's domain (not a
 * reverse lookup), asked by a container: what the full path does with it too. Returns
 * undefined for everything else, and for anything unusual, so that the full path answers
 * it: the asker is not a container, the name is not known to it, the reply would not
 * fit, or the book misbehaves.
 */
export function createQuickAnswer(book: NameBook, domain: string, ttl: number): QuickAnswer {
  const addressBytes = new Map<string, Buffer>();
  const bytesOf = (address: string): Buffer | undefined => {
    let bytes = addressBytes.get(address);
    if (bytes === undefined) {
      if (!isIPv4(address)) return undefined;
      bytes = Buffer.from(address.split('.').map(Number));
      // Addresses are few (one per container and network); the bound is against a bug.
      if (addressBytes.size >= 4096) addressBytes.clear();
      addressBytes.set(address, bytes);
    }
    return bytes;
  };

  return (message, source) => {
    const question = readPlainQuestion(message);
    if (question === undefined || question.class !== CLASS_IN) return undefined;
    if (question.type !== TYPE_A && question.type !== TYPE_AAAA) return undefined;
    const asked = classifyName(question.name, domain);
    if (asked.kind !== 'container' && asked.kind !== 'elsewhere') return undefined;
    let addresses: string[] | undefined;
    try {
      if (!book.serves(source)) return undefined;
      if (asked.kind === 'elsewhere') return FORWARD;
      if (question.type !== TYPE_A) return undefined;
      addresses = book.lookup(source, asked.label);
    } catch {
      return undefined;
    }
    if (addresses === undefined || addresses.length === 0) return undefined;
    const questionBytes = question.end - 12;
    const length = 12 + questionBytes + A_RECORD_BYTES * addresses.length;
    if (length > MAX_REPLY_BYTES) return undefined;

    const reply = Buffer.allocUnsafe(length);
    reply.writeUInt16BE(question.id, 0);
    reply.writeUInt16BE(
      question.recursionDesired ? ANSWER_FLAGS | RECURSION_DESIRED_FLAG : ANSWER_FLAGS,
      2,
    );
    reply.writeUInt16BE(1, 4);
    reply.writeUInt16BE(addresses.length, 6);
    reply.writeUInt32BE(0, 8);
    message.copy(reply, 12, 12, question.end);
    let offset = question.end;
    for (const address of addresses) {
      const bytes = bytesOf(address);
      if (bytes === undefined) return undefined;
      reply.writeUInt16BE(NAME_POINTER, offset);
      reply.writeUInt16BE(TYPE_A, offset + 2);
      reply.writeUInt16BE(CLASS_IN, offset + 4);
      reply.writeUInt32BE(ttl, offset + 6);
      reply.writeUInt16BE(4, offset + 10);
      bytes.copy(reply, offset + 12);
      offset += A_RECORD_BYTES;
    }
    return reply;
  };
}
