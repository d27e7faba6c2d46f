import { isIPv4 } from 'node:net';
import dnsPacket from 'dns-packet';

/** An A query for `name`, recursion desired, id 0: `stampId` gives each copy its own id. */
export function encodeAQuery(name: string): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: 0,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'A', name, class: 'IN' }],
  });
}

/** A copy of `query` with `id` (RFC 1035 §4.1.1: the header's first 16 bits). */
export function stampId(query: Buffer, id: number): Buffer {
  const copy = Buffer.from(query);
  copy.writeUInt16BE(id, 0);
  return copy;
}

export const replyId = (reply: Buffer): number => (reply.length >= 2 ? reply.readUInt16BE(0) : -1);

/** The four bytes of an IPv4 address, as an A record's data carries them. */
export function addressBytes(address: string): Buffer {
  if (!isIPv4(address)) throw new Error(`dns wire: '${address}' is not an IPv4 address`);
  return Buffer.from(address.split('.').map(Number));
}

/**
 * Whether `reply` is a NOERROR response with `expected` among its A records. The common
 * case, one A record last in the message, is checked on the bytes (the load client must
 * not spend the CPU it is measuring with); anything else is decoded.
 */
export function answersWith(reply: Buffer, expected: Buffer): boolean {
  if (reply.length < 12) return false;
  const response = (reply[2] ?? 0) & 0x80;
  const rcode = (reply[3] ?? 0) & 0x0f;
  if (!response || rcode !== 0 || reply.readUInt16BE(6) === 0) return false;
  if (reply.subarray(-4).equals(expected)) return true;
  try {
    const wanted = [...expected].join('.');
    return (dnsPacket.decode(reply).answers ?? []).some(
      (answer) => answer.type === 'A' && answer.data === wanted,
    );
  } catch {
    return false;
  }
}
