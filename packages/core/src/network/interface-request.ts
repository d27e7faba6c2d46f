import { AF_INET, SOCK_DGRAM } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

export interface InterfaceRequest {
  /** Any socket: netdevice(7) ioctls act on the namespace of the socket's maker. */
  socket: number;
  /** struct ifreq: the name in its first 16 bytes, then the union the ioctl reads or fills. */
  buffer: Buffer;
}

/** Runs `use` with a socket and an ifreq naming `name`, and closes the socket after. */
export function withInterfaceRequest<T>(
  libc: Libc,
  name: string,
  use: (request: InterfaceRequest) => T,
): T {
  const socket = libc.socket(AF_INET, SOCK_DGRAM, 0);
  try {
    const buffer = Buffer.alloc(40);
    buffer.write(name, 0, 15, 'latin1');
    return use({ socket, buffer });
  } finally {
    libc.close(socket);
  }
}
