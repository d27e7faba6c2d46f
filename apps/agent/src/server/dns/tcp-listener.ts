import { createServer, type Socket } from 'node:net';
import type { QueryHandler } from './query-handler.js';
import { serveTcpConnection } from './tcp-connection.js';

export interface TcpListener {
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

/** Listens on TCP `address:port` and serves each connection, at most `maxConnections` at once. */
export async function listenTcp(
  address: string,
  port: number,
  handler: QueryHandler,
  maxConnections: number,
): Promise<TcpListener> {
  const connections = new Set<Socket>();
  // Half-open: a client may send its queries, shut its side, then wait for the answers.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveTcpConnection(socket, handler);
  });
  // Past the limit Node closes new connections as they arrive.
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // accept(2) failing (EMFILE under a flood) must not take the agent down with it.
  server.on('error', () => {});
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of connections) socket.destroy();
      }),
  };
}
