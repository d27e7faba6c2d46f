/**
 * The asker's IPv4 address as the name book knows it: a socket that accepts both families
 * reports IPv4 clients as `::ffff:a.b.c.d`.
 */
export function clientAddress(remoteAddress: string): string {
  return remoteAddress.startsWith('::ffff:')
    ? remoteAddress.slice('::ffff:'.length)
    : remoteAddress;
}
