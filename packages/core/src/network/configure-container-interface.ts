import {
  AF_INET,
  RTF_GATEWAY,
  RTF_UP,
  SIOCADDRT,
  SIOCSIFADDR,
  SIOCSIFNETMASK,
} from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { bringUpInterface } from './bring-up-interface.js';
import { withInterfaceRequest } from './interface-request.js';
import { netmask, parseIpv4 } from './ipv4.js';

/** What the container's end of its veth gets, inside its own network namespace. */
export interface ContainerInterface {
  name: string;
  address: string;
  prefixLength: number;
  gateway: string;
  /** Whether the gateway is the way out (the first network's, unless it is internal). */
  defaultRoute: boolean;
}

/** struct sockaddr_in: the family, a port of 0, then the address in network order. */
function writeSockaddrIn(buffer: Buffer, offset: number, address: number): void {
  buffer.writeUInt16LE(AF_INET, offset);
  buffer.writeUInt32BE(address, offset + 4);
}

/**
 * Seed 004's `ip addr add`, `ip link set up` and `ip route add default`, done by the init
 * itself with netdevice(7) and route(4) ioctls: it is in the namespace already, and no
 * program has to be started to do it. The engine made the veth and named this end.
 */
export function configureContainerInterface(libc: Libc, wanted: ContainerInterface): void {
  const { name } = wanted;
  withInterfaceRequest(libc, name, ({ socket, buffer }) => {
    writeSockaddrIn(buffer, 16, parseIpv4(wanted.address));
    libc.ioctl(socket, SIOCSIFADDR, buffer, name);
    writeSockaddrIn(buffer, 16, netmask(wanted.prefixLength));
    libc.ioctl(socket, SIOCSIFNETMASK, buffer, name);
  });
  bringUpInterface(libc, name);
  if (!wanted.defaultRoute) return;
  withInterfaceRequest(libc, name, ({ socket }) => {
    // struct rtentry (x86-64): rt_dst at 8, rt_gateway at 24, rt_genmask at 40, rt_flags
    // at 56; 120 bytes. A destination and mask of zero make it the default route.
    const route = Buffer.alloc(120);
    writeSockaddrIn(route, 8, 0);
    writeSockaddrIn(route, 24, parseIpv4(wanted.gateway));
    writeSockaddrIn(route, 40, 0);
    route.writeUInt16LE(RTF_UP | RTF_GATEWAY, 56);
    libc.ioctl(socket, SIOCADDRT, route, `default via ${wanted.gateway}`);
  });
}
