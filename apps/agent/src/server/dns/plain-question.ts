import { questionCodec, recordCodec } from './section-codecs.js';

/**
 * The one question of a plain query, read without decoding the whole message: the shape
 * nearly every container's resolver sends (RFC 1035 §4.1: a header, one question, no
 * answers, at most one additional record, which is EDNS's OPT, and nothing after it).
 * Decoding the whole message into a packet cost more than the rest of an answer; here
 * dns-packet decodes only the question (and the OPT record, when there is one), and the
 * header's fixed twelve bytes are read by offset. Anything else is left to the full
 * decoder.
 */
export interface PlainQuestion {
  id: number;
  recursionDesired: boolean;
  /** The name as dns-packet decodes it (as asked, case and all), no trailing dot. */
  name: string;
  /** dns-packet's names for them: 'A', 'AAAA', 'IN', … */
  type: string;
  class: string;
  /** Where the question section ends: the bytes 12..end are echoed as they came. */
  end: number;
}

const HEADER_BYTES = 12;
/** Header flags (RFC 1035 §4.1.1): QR, the opcode's four bits, and RD. */
const RESPONSE_FLAG = 0x8000;
const OPCODE_MASK = 0x7800;
const RECURSION_DESIRED_FLAG = 0x0100;

/** The question, or undefined when the message is not a plain query. */
export function readPlainQuestion(message: Buffer): PlainQuestion | undefined {
  if (message.length < HEADER_BYTES + 5) return undefined;
  const flags = message.readUInt16BE(2);
  if ((flags & (RESPONSE_FLAG | OPCODE_MASK)) !== 0) return undefined;
  if (message.readUInt16BE(4) !== 1) return undefined;
  if (message.readUInt16BE(6) !== 0 || message.readUInt16BE(8) !== 0) return undefined;
  const additional = message.readUInt16BE(10);
  if (additional > 1) return undefined;
  try {
    const question = questionCodec.decode(message, HEADER_BYTES);
    const end = HEADER_BYTES + questionCodec.decode.bytes;
    if (additional === 0 ? end !== message.length : !optRecordEndsAt(message, end)) {
      return undefined;
    }
    return {
      id: message.readUInt16BE(0),
      recursionDesired: (flags & RECURSION_DESIRED_FLAG) !== 0,
      name: question.name,
      type: question.type,
      class: question.class ?? 'IN',
      end,
    };
  } catch {
    return undefined; // cut short or malformed: the full decoder says what to do
  }
}

/** Whether one OPT record (EDNS) starts at `offset` and ends the message. */
function optRecordEndsAt(message: Buffer, offset: number): boolean {
  const record = recordCodec.decode(message, offset);
  return record.type === 'OPT' && offset + recordCodec.decode.bytes === message.length;
}
