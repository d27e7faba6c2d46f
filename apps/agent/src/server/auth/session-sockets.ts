import type { WebSocket } from 'ws';

/**
 * The close code of a WebSocket whose browser session ended (RFC 6455 §7.4.2 leaves
 * 4000-4999 to applications): the dashboard can tell it from a dropped connection and
 * ask for a sign-in instead of reconnecting.
 */
export const sessionEndedCode = 4001;

/** A client that does not answer the close frame is cut off after this long. */
const closeGraceMs = 500;

/**
 * The WebSockets opened with each browser session, so that signing out or the session's
 * expiry closes them: authentication is checked at the upgrade only, and a socket
 * outliving its session would keep a signed-out browser streaming and typing.
 */
export interface SessionSockets {
  /** Keeps `socket` until it closes; closes it at once if the session already ended. */
  add(sessionId: string, socket: WebSocket): void;
  /** Closes the session's sockets with {@link sessionEndedCode}. */
  end(sessionId: string): void;
}

export function createSessionSockets(isLive: (sessionId: string) => boolean): SessionSockets {
  const bySession = new Map<string, Set<WebSocket>>();
  const close = (socket: WebSocket) => {
    socket.close(sessionEndedCode, 'session ended');
    setTimeout(() => socket.terminate(), closeGraceMs).unref();
  };
  return {
    add(sessionId, socket) {
      // The session can end between the upgrade's check and the socket being ready.
      if (!isLive(sessionId)) {
        close(socket);
        return;
      }
      let sockets = bySession.get(sessionId);
      if (!sockets) {
        sockets = new Set();
        bySession.set(sessionId, sockets);
      }
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0 && bySession.get(sessionId) === sockets) bySession.delete(sessionId);
      });
    },
    end(sessionId) {
      const sockets = bySession.get(sessionId);
      bySession.delete(sessionId);
      for (const socket of sockets ?? []) close(socket);
    },
  };
}
