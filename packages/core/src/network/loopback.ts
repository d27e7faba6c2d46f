import { AF_INET, IFF_UP, SIOCGIFFLAGS, SIOCSIFFLAGS, SOCK_DGRAM } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';

/** A new network namespace has `lo` down; bring it up so 127.0.0.1 works inside. */
export function bringUpLoopback(libc: Libc): void {
  const socket = libc.socket(AF_INET, SOCK_DGRAM, 0);
  try {
    const ifreq = Buffer.alloc(40); // struct ifreq: name[16], then ifr_flags
    ifreq.write('lo', 0, 'latin1');
    libc.ioctl(socket, SIOCGIFFLAGS, ifreq, 'lo');
    ifreq.writeInt16LE(ifreq.readInt16LE(16) | IFF_UP, 16);
    libc.ioctl(socket, SIOCSIFFLAGS, ifreq, 'lo');
  } finally {
    libc.close(socket);
  }
}
