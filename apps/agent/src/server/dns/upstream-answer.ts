import dnsPacket, { type DecodedPacket } from 'dns-packet';

/**
 * Whether `message` answers `query`: a response with its id and its question. Anything else
 * (a late answer to an earlier attempt, a forged packet, garbage) is not passed to a client.
 */
export function answersQuery(message: Buffer, query: DecodedPacket): boolean {
  let answer: DecodedPacket;
  try {
    answer = dnsPacket.decode(message);
  } catch {
    return false;
  }
  const asked = query.questions?.[0];
  const echoed = answer.questions?.[0];
  return (
    answer.type === 'response' &&
    answer.id === query.id &&
    answer.questions?.length === 1 &&
    asked !== undefined &&
    echoed !== undefined &&
    echoed.type === asked.type &&
    echoed.class === asked.class &&
    // Resolvers may randomise the case of a name (DNS 0x20); the echo keeps it, or not.
    echoed.name.toLowerCase() === asked.name.toLowerCase()
  );
}
