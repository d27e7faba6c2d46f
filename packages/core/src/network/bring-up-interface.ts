import { IFF_UP, SIOCGIFFLAGS, SIOCSIFFLAGS } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { withInterfaceRequest } from './interface-request.js';

/** Sets IFF_UP on interface `name` of this thread's network namespace. */
export function bringUpInterface(libc: Libc, name: string): void {
  withInterfaceRequest(libc, name, ({ socket, buffer }) => {
    libc.ioctl(socket, SIOCGIFFLAGS, buffer, name);
    buffer.writeInt16LE(buffer.readInt16LE(16) | IFF_UP, 16);
    libc.ioctl(socket, SIOCSIFFLAGS, buffer, name);
  });
}

/** A new network namespace has `lo` down; bring it up so 127.0.0.1 works inside. */
export function bringUpLoopback(libc: Libc): void {
  bringUpInterface(libc, 'lo');
}
