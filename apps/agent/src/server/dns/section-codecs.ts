import dnsPacket, { type Answer, type Question } from 'dns-packet';

/** A function that tells, after each call, how many bytes it read or wrote. */
type Counting<F> = F & { bytes: number };

interface SectionCodec<T> {
  encode: Counting<(value: T, buffer: Buffer, offset: number) => Buffer>;
  decode: Counting<(buffer: Buffer, offset: number) => T>;
  encodingLength(value: T): number;
}

/**
 * dns-packet's codecs for one question and one resource record. The library exports them
 * beside `encode` and `decode` (its own `decode` is built from them); @types/dns-packet
 * leaves them out, so their shape is declared here.
 */
const sections = dnsPacket as unknown as {
  question: SectionCodec<Question>;
  answer: SectionCodec<Answer>;
};

export const questionCodec = sections.question;
export const recordCodec = sections.answer;
