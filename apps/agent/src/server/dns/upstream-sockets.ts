import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Upstream } from './upstream-attempt.js';

/** Who hears a socket's datagrams and errors: the one exchange using it. */
export interface SocketListener {
  message(answer: Buffer): void;
  error(error: Error): void;
}

/** A UDP socket connected to one upstream, lent to one exchange at a time. */
export interface LentSocket {
  send(message: Buffer): void;
  listen(listener: SocketListener): void;
}

export interface UpstreamSockets {
  /** A connected socket for `upstream`, at once from the idle ones or once a new one is connected. */
  take(upstream: Upstream, ready: (error: Error | undefined, lent?: LentSocket) => void): void;
  /**
   * Back from an exchange: kept for another when `answered` (nothing of this exchange can
   * still arrive on it) and it has not served `maxUses` yet, closed otherwise.
   */
  give(lent: LentSocket, answered: boolean): void;
  /** Closes the idle sockets; sockets given back later are closed too. */
  close(): void;
}

interface Pooled extends LentSocket {
  socket: Socket;
  key: string;
  uses: number;
  broken: boolean;
  listener: SocketListener | undefined;
}

/**
 * Connected UDP sockets to the upstreams, each used by one exchange at a time and for at
 * most `maxUses` of them. Making and closing a socket per forward (socket, bind, connect,
 * epoll registration, close) was a fifth of a forward's CPU time. What a socket per
 * forward gave is kept: every exchange in flight has a socket (a random source port) of
 * its own, so ids from different clients never meet on one socket, and the ports keep
 * changing. A socket whose exchange did not end in an answer is never reused, so a late
 * answer cannot reach the next exchange; an answer to the same question with the same id
 * would be as good as its own anyway (answersQuery compares both).
 */
export function createUpstreamSockets(options: {
  maxUses: number;
  maxIdle: number;
}): UpstreamSockets {
  const idle = new Map<string, Pooled[]>();
  let closed = false;

  const open = (upstream: Upstream, key: string, ready: Parameters<UpstreamSockets['take']>[1]) => {
    const socket = createSocket(isIPv6(upstream.address) ? 'udp6' : 'udp4');
    // An idle socket keeps no process alive; an exchange on it has its own timer that does.
    socket.unref();
    let connected = false;
    const pooled: Pooled = {
      socket,
      key,
      uses: 0,
      broken: false,
      listener: undefined,
      send: (message) => socket.send(message),
      listen: (listener) => {
        pooled.listener = listener;
      },
    };
    socket.on('message', (answer) => pooled.listener?.message(answer));
    // A connected socket hears an ICMP "port unreachable" as an error: the exchange using it
    // fails at once; an idle one is not used again.
    socket.on('error', (error) => {
      pooled.broken = true;
      if (!connected) {
        connected = true;
        socket.close();
        ready(error);
        return;
      }
      pooled.listener?.error(error);
    });
    socket.connect(upstream.port, upstream.address, () => {
      if (connected) return;
      connected = true;
      ready(undefined, pooled);
    });
  };

  return {
    take(upstream, ready) {
      const key = `${upstream.address}:${upstream.port}`;
      const list = idle.get(key);
      for (let pooled = list?.pop(); pooled !== undefined; pooled = list?.pop()) {
        if (!pooled.broken) return ready(undefined, pooled);
        pooled.socket.close();
      }
      open(upstream, key, ready);
    },
    give(lent, answered) {
      const pooled = lent as Pooled;
      pooled.listener = undefined;
      pooled.uses++;
      const list = idle.get(pooled.key) ?? [];
      if (
        closed ||
        !answered ||
        pooled.broken ||
        pooled.uses >= options.maxUses ||
        list.length >= options.maxIdle
      ) {
        pooled.socket.close();
        return;
      }
      list.push(pooled);
      idle.set(pooled.key, list);
    },
    close() {
      closed = true;
      for (const list of idle.values()) for (const pooled of list) pooled.socket.close();
      idle.clear();
    },
  };
}
