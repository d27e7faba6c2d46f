import { readFileSync } from 'node:fs';
import { SIOCGIFMTU } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { withInterfaceRequest } from './interface-request.js';
import type { Subnet } from './ipv4.js';

export interface HostRoute {
  interfaceName: string;
  destination: Subnet;
}

/** /proc/net/route holds addresses as little-endian hex: `0058A8C0` is 192.168.88.0. */
function littleEndianAddress(hex: string): number {
  return Buffer.from(hex, 'hex').readUInt32LE(0);
}

function prefixLengthOf(mask: number): number {
  let length = 0;
  for (let bit = 31; bit >= 0 && mask & (2 ** bit); bit--) length++;
  return length;
}

/**
 * The IPv4 routes of this process's network namespace (/proc/net is per namespace): the
 * ranges a bridge subnet must not overlap, and which interface the default route uses.
 */
export function readHostRoutes(routeTable = '/proc/net/route'): HostRoute[] {
  let text = '';
  try {
    text = readFileSync(routeTable, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 8)
    .map(([interfaceName = '', destination = '0', , , , , , mask = '0']) => ({
      interfaceName,
      destination: {
        network: littleEndianAddress(destination),
        prefixLength: prefixLengthOf(littleEndianAddress(mask)),
      },
    }));
}

/**
 * The MTU a container's veth gets: the one of the interface the host's default route
 * leaves by, or Ethernet's 1500 when there is no default route.
 */
export function defaultRouteMtu(libc: Libc, routes: HostRoute[]): number {
  const route = routes.find((r) => r.destination.prefixLength === 0);
  if (!route) return 1500;
  return withInterfaceRequest(libc, route.interfaceName, (request) => {
    libc.ioctl(request.socket, SIOCGIFMTU, request.buffer, route.interfaceName);
    return request.buffer.readInt32LE(16);
  });
}
