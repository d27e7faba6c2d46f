import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import { Rcode, replyTo } from './dns-reply.js';
import type { NameBook } from './name-book.js';
import { classifyName } from './name-question.js';

export interface BookAnswers {
  /**
   * The authoritative reply to a question about Cove's own names, or undefined when the
   * question is for the upstreams (a name Cove does not own, or one the book does not know
   * outside the search domain).
   */
  answer(query: DecodedPacket, question: Question, source: string): Packet | undefined;
}

export function createBookAnswers(book: NameBook, domain: string, ttl: number): BookAnswers {
  // The SOA tells resolvers how long they may remember a "no such name" (RFC 2308 §5): as
  // briefly as a positive answer, since containers come and go.
  const soa: Answer = {
    type: 'SOA',
    name: domain,
    ttl,
    data: {
      mname: domain,
      rname: `hostmaster.${domain}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: ttl,
    },
  };
  const soaAuthority = [soa];

  const noSuchName = (query: DecodedPacket) =>
    replyTo(query, { rcode: Rcode.nameError, authoritative: true, authorities: soaAuthority });
  const noRecordsOfType = (query: DecodedPacket) =>
    replyTo(query, { rcode: Rcode.noError, authoritative: true, authorities: soaAuthority });
  const records = (query: DecodedPacket, answers: Answer[]) =>
    replyTo(query, { rcode: Rcode.noError, authoritative: true, answers });

  return {
    answer(query, question, source) {
      if (question.class !== 'IN') return undefined;
      const asked = classifyName(question.name, domain);
      switch (asked.kind) {
        case 'container': {
          const addresses = book.lookup(source, asked.label);
          if (addresses === undefined) return asked.inDomain ? noSuchName(query) : undefined;
          // Cove's networks are IPv4 only: AAAA and the rest have no records, but the name exists.
          if (question.type !== 'A') return noRecordsOfType(query);
          return records(
            query,
            addresses.map((address) => ({ type: 'A', name: question.name, ttl, data: address })),
          );
        }
        case 'domain-apex':
          return question.type === 'SOA' ? records(query, soaAuthority) : noRecordsOfType(query);
        case 'absent-from-domain':
          return noSuchName(query);
        case 'reverse': {
          const names = book.reverse(source, asked.address);
          if (names === undefined) return undefined;
          if (question.type !== 'PTR') return noRecordsOfType(query);
          return records(
            query,
            names.map((name) => ({ type: 'PTR', name: question.name, ttl, data: `${name}.` })),
          );
        }
        case 'elsewhere':
          return undefined;
      }
    },
  };
}
