import { BlockList, isIPv6 } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether a listen host keeps the agent on this machine: 127.0.0.0/8, ::1 (in any
 * spelling, IPv4-mapped included) or `localhost`. Any other name counts as exposed,
 * since what it resolves to can change.
 */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  return loopback.check(host, isIPv6(host) ? 'ipv6' : 'ipv4');
}
