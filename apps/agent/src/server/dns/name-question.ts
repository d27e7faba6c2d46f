/**
 * Where the name in a question belongs: Cove's own zone (containers by a single label, bare
 * or under the search domain), a reverse lookup of an IPv4 address, or the rest of the DNS.
 */
export type NameQuestion =
  /** A container name, alias or short id; `inDomain` when asked as `label.<domain>`. */
  | { kind: 'container'; label: string; inDomain: boolean }
  /** The search domain itself. */
  | { kind: 'domain-apex' }
  /** Two or more labels under the domain: Cove never makes such names. */
  | { kind: 'absent-from-domain' }
  /** `d.c.b.a.in-addr.arpa`, as `a.b.c.d`. */
  | { kind: 'reverse'; address: string }
  | { kind: 'elsewhere' };

const DOMAIN_APEX: NameQuestion = { kind: 'domain-apex' };
const ABSENT_FROM_DOMAIN: NameQuestion = { kind: 'absent-from-domain' };
const ELSEWHERE: NameQuestion = { kind: 'elsewhere' };
const REVERSE_SUFFIX = '.in-addr.arpa';
const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;

/** `domain` is lower-case without a trailing dot; `name` is as asked, any case, dot or not. */
export function classifyName(name: string, domain: string): NameQuestion {
  const lower = name.toLowerCase();
  const bare = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  if (bare === domain) return DOMAIN_APEX;
  const labelEnd = bare.length - domain.length - 1;
  if (labelEnd > 0 && bare.endsWith(domain) && bare[labelEnd] === '.') {
    const label = bare.slice(0, labelEnd);
    return label.includes('.') ? ABSENT_FROM_DOMAIN : { kind: 'container', label, inDomain: true };
  }
  if (bare.length > 0 && !bare.includes('.')) {
    return { kind: 'container', label: bare, inDomain: false };
  }
  if (bare.endsWith(REVERSE_SUFFIX)) {
    const address = reversedAddress(bare.slice(0, -REVERSE_SUFFIX.length));
    if (address !== undefined) return { kind: 'reverse', address };
  }
  return ELSEWHERE;
}

/** `d.c.b.a` → `a.b.c.d`; undefined unless it is exactly four canonical decimal octets. */
function reversedAddress(labels: string): string | undefined {
  const octets = labels.split('.');
  if (octets.length !== 4) return undefined;
  for (const octet of octets) {
    if (!OCTET.test(octet) || Number(octet) > 255) return undefined;
  }
  return octets.reverse().join('.');
}
