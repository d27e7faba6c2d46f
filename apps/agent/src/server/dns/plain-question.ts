/**
 * The one question of a plain query, read straight from its bytes: the shape nearly every
 * container's resolver sends (RFC 1035 §4.1: a 12-byte header, one question, no answers,
 * at most one additional record, which is EDNS's OPT, and nothing after it). Decoding a whole message with
 * dns-packet costs more than the rest of an answer; this reads only what a container
 * name's answer needs. Anything else, odd or hostile, is left to the full decoder.
 */
export interface PlainQuestion {
  id: number;
  recursionDesired: boolean;
  /** The name as asked, lower-cased, labels joined by dots, no trailing dot. */
  name: string;
  type: number;
  class: number;
  /** Where the question section ends: the bytes 12..end are echoed as they came. */
  end: number;
}

const HEADER_BYTES = 12;
const MAX_NAME_BYTES = 255;
const MAX_LABEL_BYTES = 63;

/** Header flags (RFC 1035 §4.1.1): QR, the opcode's four bits, and the rest. */
const RESPONSE_FLAG = 0x8000;
const OPCODE_MASK = 0x7800;
const RECURSION_DESIRED_FLAG = 0x0100;

/**
 * The question, or undefined when the message is not a plain query whose name is made of
 * letters, digits, hyphens and underscores (any byte beyond those, a compression pointer,
 * or a count out of shape sends it to the full decoder, which knows every rule).
 */
export function readPlainQuestion(message: Buffer): PlainQuestion | undefined {
  if (message.length < HEADER_BYTES + 5) return undefined;
  const flags = message.readUInt16BE(2);
  if ((flags & (RESPONSE_FLAG | OPCODE_MASK)) !== 0) return undefined;
  if (message.readUInt16BE(4) !== 1) return undefined;
  if (message.readUInt16BE(6) !== 0 || message.readUInt16BE(8) !== 0) return undefined;
  if (message.readUInt16BE(10) > 1) return undefined;

  let name = '';
  let offset = HEADER_BYTES;
  for (;;) {
    if (offset >= message.length) return undefined;
    const length = message.readUInt8(offset);
    offset += 1;
    if (length === 0) break;
    if (length > MAX_LABEL_BYTES || offset + length > message.length) return undefined;
    if (name.length > 0) name += '.';
    for (let i = offset; i < offset + length; i++) {
      const char = NAME_CHARS[message[i] ?? 0];
      if (char === undefined) return undefined;
      name += char;
    }
    offset += length;
    if (offset - HEADER_BYTES > MAX_NAME_BYTES) return undefined;
  }
  if (offset + 4 > message.length) return undefined;
  const end = offset + 4;
  // Nothing may follow but one whole OPT record (EDNS, RFC 6891 §6.1.2): the root name,
  // type 41, class, TTL and options that end with the message.
  if (message.readUInt16BE(10) === 0 ? end !== message.length : !isOptRecordAt(message, end)) {
    return undefined;
  }
  return {
    id: message.readUInt16BE(0),
    recursionDesired: (flags & RECURSION_DESIRED_FLAG) !== 0,
    name,
    type: message.readUInt16BE(offset),
    class: message.readUInt16BE(offset + 2),
    end,
  };
}

const TYPE_OPT = 41;

function isOptRecordAt(message: Buffer, offset: number): boolean {
  if (offset + 11 > message.length) return false;
  if (message[offset] !== 0 || message.readUInt16BE(offset + 1) !== TYPE_OPT) return false;
  return offset + 11 + message.readUInt16BE(offset + 9) === message.length;
}

/** Byte → its lower-case character in a name this path reads, or undefined (the full path's). */
const NAME_CHARS: Array<string | undefined> = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  if (/[a-z0-9_-]/.test(char)) return char;
  if (/[A-Z]/.test(char)) return char.toLowerCase();
  return undefined;
});
