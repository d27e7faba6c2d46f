import dnsPacket, { type DecodedPacket, type Packet } from 'dns-packet';
import type { BookAnswers } from './book-answers.js';
import { encodeReply, Rcode, replyTo, type Transport } from './dns-reply.js';
import { FORWARD, type QuickAnswer } from './quick-answer.js';
import type { UpstreamForwarder } from './upstream-forwarder.js';

/** Delivers a reply's bytes to the client; it must not throw (a gone client is not an error). */
export type SendReply = (message: Buffer) => void;

export interface QueryHandler {
  /**
   * Answers one DNS message from `source` through `send`: at once for Cove's own names,
   * later for forwarded ones, exactly once either way. Returns false, without answering,
   * when the message is not a query at all (garbage, or a response): the transport drops it,
   * or ends the connection it came on.
   */
  handle(message: Buffer, source: string, transport: Transport, send: SendReply): boolean;
}

/** dns-packet decodes the opcode as a name, though its type declarations leave it out. */
type DecodedQuery = DecodedPacket & { opcode?: string };

export function createQueryHandler(
  book: BookAnswers,
  forwarder: UpstreamForwarder,
  serves: (source: string) => boolean,
  quickAnswer?: QuickAnswer,
): QueryHandler {
  const forward = (
    message: Buffer,
    transport: Transport,
    send: SendReply,
    failure: () => Buffer,
  ) => {
    forwarder
      .forward(message, transport)
      .catch(() => undefined)
      .then((answer) => send(answer ?? failure()));
  };
  return {
    handle(message, source, transport, send) {
      const quick = quickAnswer?.(message, source);
      if (quick === FORWARD) {
        forward(message, transport, send, () => serverFailureTo(message, transport));
        return true;
      }
      if (quick !== undefined) {
        send(quick);
        return true;
      }
      let query: DecodedQuery;
      try {
        query = dnsPacket.decode(message);
      } catch {
        return false;
      }
      // Answering a response could bounce packets between two servers forever.
      if (query.type !== 'query') return false;

      const question = query.questions?.length === 1 ? query.questions[0] : undefined;
      let reply: Packet | undefined;
      if (!servesSafely(serves, source)) {
        reply = replyTo(query, { rcode: Rcode.refused, echoQuestion: false });
      } else if (query.opcode !== 'QUERY') {
        reply = replyTo(query, { rcode: Rcode.notImplemented, echoQuestion: false });
      } else if (question === undefined) {
        // RFC 9619: a query has exactly one question.
        reply = replyTo(query, { rcode: Rcode.formatError, echoQuestion: false });
      } else {
        reply = answerFromBook(book, query, question, source);
      }
      if (reply !== undefined) {
        send(encodeOrFail(reply, query, transport));
        return true;
      }

      forward(message, transport, send, () => serverFailure(query, transport));
      return true;
    },
  };
}

/** A book that throws serves no one: refusing is the safe side. */
function servesSafely(serves: (source: string) => boolean, source: string): boolean {
  try {
    return serves(source);
  } catch {
    return false;
  }
}

function answerFromBook(
  book: BookAnswers,
  query: DecodedPacket,
  question: NonNullable<DecodedPacket['questions']>[number],
  source: string,
): Packet | undefined {
  try {
    return book.answer(query, question, source);
  } catch {
    // A name book that throws is a bug in the agent; the container still deserves an answer.
    return replyTo(query, { rcode: Rcode.serverFailure });
  }
}

/** The reply's bytes, or SERVFAIL when the book gave something that cannot be encoded (say, an address that is not one). */
function encodeOrFail(reply: Packet, query: DecodedPacket, transport: Transport): Buffer {
  try {
    return encodeReply(reply, transport);
  } catch {
    return serverFailure(query, transport);
  }
}

/** SERVFAIL to a query the quick path sent upstream, which was not decoded yet; never throws. */
function serverFailureTo(message: Buffer, transport: Transport): Buffer {
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    // Plain as its header and question were, an EDNS option may still be malformed: the
    // header alone (id and flags, no sections) always decodes.
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 4);
    query = dnsPacket.decode(header);
  }
  return serverFailure(query, transport);
}

/**
 * SERVFAIL, echoing the question when it can be encoded again; a header alone always can,
 * so this never throws (a throw here would escape a socket's event handler).
 */
function serverFailure(query: DecodedPacket, transport: Transport): Buffer {
  try {
    return encodeReply(replyTo(query, { rcode: Rcode.serverFailure }), transport);
  } catch {
    return encodeReply(
      replyTo(query, { rcode: Rcode.serverFailure, echoQuestion: false }),
      transport,
    );
  }
}
