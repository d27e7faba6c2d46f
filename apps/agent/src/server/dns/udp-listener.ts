import { createSocket } from 'node:dgram';
import { clientAddress } from './client-address.js';
import type { QueryHandler } from './query-handler.js';

export interface UdpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Binds UDP `address:port` (0 picks a free port) and answers every datagram through `handler`. */
export async function listenUdp(
  address: string,
  port: number,
  handler: QueryHandler,
): Promise<UdpListener> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once('error', fail);
    socket.bind(port, address, () => {
      socket.off('error', fail);
      resolve();
    });
  });
  let open = true;
  // A reply that cannot be delivered (the client's port is closed, a firewall said no) is
  // the client's loss alone; the socket goes on serving everyone else.
  socket.on('error', () => {});
  socket.on('message', (message, remote) => {
    handler.handle(message, clientAddress(remote.address), 'udp', (reply) => {
      if (!open) return;
      try {
        socket.send(reply, remote.port, remote.address);
      } catch {
        // A forged source such as port 0 makes send throw: there is no one to answer.
      }
    });
  });
  return {
    port: socket.address().port,
    close: () =>
      new Promise((resolve) => {
        open = false;
        socket.close(() => resolve());
      }),
  };
}
