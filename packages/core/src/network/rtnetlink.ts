import { AF_NETLINK, NETLINK_ROUTE, SOCK_CLOEXEC, SOCK_RAW } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';
import { acknowledgement } from './rtnetlink-message.js';

/**
 * A route netlink socket of this process's network namespace, for a few requests: each
 * is sent and its acknowledgement read before the next, so a failure names its request.
 */
export function withRouteNetlink<T>(
  libc: Libc,
  use: (request: (message: Buffer, what: string) => void, nextSequence: () => number) => T,
): T {
  const socket = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  let sequence = 0;
  const answer = Buffer.alloc(8192);
  try {
    const request = (message: Buffer, what: string) => {
      const sent = message.readUInt32LE(8);
      libc.send(socket, message, what);
      for (;;) {
        const received = libc.recv(socket, answer, what);
        const errno = acknowledgement(answer.subarray(0, received), sent);
        if (errno === undefined) continue;
        if (errno !== 0) throw new SyscallError('RTM_NEWLINK', what, errno, libc.strerror(errno));
        return;
      }
    };
    return use(request, () => ++sequence);
  } finally {
    libc.close(socket);
  }
}
