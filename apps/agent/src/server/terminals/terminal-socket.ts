import { TerminalClientMessageSchema } from '@cove/shared';
import type { WebSocket } from 'ws';
import type { TerminalManager } from './terminal-manager.js';
import type { TerminalClient } from './terminal-session.js';

/** A client that stops reading is dropped here rather than buffered for without end. */
const maxBufferedBytes = 8 * 1024 * 1024;

/**
 * One WebSocket on one terminal session: binary frames are the terminal's bytes both
 * ways, text frames are JSON control messages (resize, ack, ping).
 */
export function serveTerminalSocket(
  socket: WebSocket,
  sessionId: string,
  terminals: TerminalManager,
): void {
  const session = terminals.get(sessionId);
  if (!session) {
    socket.send(JSON.stringify({ type: 'error', message: `no terminal session ${sessionId}` }));
    socket.close(4404, 'no such session');
    return;
  }
  const client: TerminalClient = {
    send(data) {
      if (socket.bufferedAmount > maxBufferedBytes) {
        socket.close(4008, 'client too slow');
        return;
      }
      socket.send(data, { binary: true });
    },
    control(message) {
      socket.send(JSON.stringify(message));
    },
    close() {
      socket.close(1000, 'terminal closed');
    },
  };
  const detach = session.attach(client);
  socket.on('message', (data, isBinary) => {
    // ws still delivers what arrives while the socket closes (its session ended): drop it.
    if (socket.readyState !== socket.OPEN) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) {
      session.write(bytes);
      return;
    }
    let message: ReturnType<typeof TerminalClientMessageSchema.parse>;
    try {
      message = TerminalClientMessageSchema.parse(JSON.parse(bytes.toString('utf8')));
    } catch {
      client.control({
        type: 'error',
        message: 'unknown control message: expected resize, ack or ping',
      });
      return;
    }
    if (message.type === 'resize') session.resize(message);
    else if (message.type === 'ack') session.acknowledge(client, message.bytes);
    else client.control({ type: 'pong' });
  });
  socket.on('close', detach);
  socket.on('error', detach);
}
