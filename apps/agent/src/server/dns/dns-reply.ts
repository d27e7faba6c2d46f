import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';

/** Response codes (RFC 1035 §4.1.1); dns-packet takes them in the low bits of `flags`. */
export const Rcode = {
  noError: 0,
  formatError: 1,
  serverFailure: 2,
  nameError: 3,
  notImplemented: 4,
  refused: 5,
} as const;
export type Rcode = (typeof Rcode)[keyof typeof Rcode];

export type Transport = 'udp' | 'tcp';

/** Without EDNS a UDP answer holds 512 bytes (RFC 1035 §4.2.1); TCP's length prefix allows 65535. */
const MAX_MESSAGE_BYTES: Record<Transport, number> = { udp: 512, tcp: 0xffff };

export interface ReplyContent {
  rcode: Rcode;
  authoritative?: boolean;
  /** Whether to echo the query's question; a malformed question section is not echoed. */
  echoQuestion?: boolean;
  answers?: Answer[];
  authorities?: Answer[];
}

/** A response to `query`: same id, RD copied, RA set (the server recurses through its upstreams). */
export function replyTo(query: DecodedPacket, content: ReplyContent): Packet {
  let flags = dnsPacket.RECURSION_AVAILABLE | content.rcode;
  if (query.flag_rd) flags |= dnsPacket.RECURSION_DESIRED;
  if (content.authoritative) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  return {
    type: 'response',
    id: query.id,
    flags,
    questions: content.echoQuestion === false ? [] : query.questions,
    answers: content.answers ?? [],
    authorities: content.authorities ?? [],
  };
}

/**
 * The reply's bytes for `transport`. One that does not fit goes out empty with TC set, so
 * that a UDP client asks again over TCP (RFC 2181 §9).
 */
export function encodeReply(reply: Packet, transport: Transport): Buffer {
  const message = dnsPacket.encode(reply);
  if (message.length <= MAX_MESSAGE_BYTES[transport]) return message;
  return dnsPacket.encode({
    ...reply,
    flags: (reply.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
  });
}
