import type { RawData, WebSocket } from 'ws';

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * The client side of a terminal WebSocket, as a dashboard tab would be: binary frames
 * are the terminal's bytes, and everything received in one turn of the event loop is
 * acknowledged at the end of that turn (as xterm.js acks after drawing a batch), which
 * keeps the agent's flow control below its pause mark.
 */
export class TerminalClient {
  /** Bytes and binary frames received since the socket opened. */
  received = 0;
  frames = 0;
  private tail = '';
  private unacked = 0;
  private ackScheduled = false;
  private nextBytes: Array<(at: number) => void> = [];
  private waiters: Array<{ pattern: RegExp; wake: () => void }> = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) return;
      const at = performance.now();
      const bytes = toBuffer(data);
      this.received += bytes.length;
      this.frames++;
      this.tail = (this.tail + bytes.toString('latin1')).slice(-512);
      this.acknowledge(bytes.length);
      // A line editor asks where the cursor is (DSR, ESC [6n) and waits for the terminal's answer.
      if (bytes.includes('\x1b[6n')) this.send('\x1b[1;1R');
      for (const wake of this.nextBytes.splice(0)) wake(at);
      this.waiters = this.waiters.filter(({ pattern, wake }) => {
        if (!pattern.test(this.tail)) return true;
        wake();
        return false;
      });
    });
  }

  static connect(socket: WebSocket): Promise<TerminalClient> {
    return new Promise((resolve, reject) => {
      const client = new TerminalClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  private acknowledge(bytes: number): void {
    this.unacked += bytes;
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => {
      this.ackScheduled = false;
      this.socket.send(JSON.stringify({ type: 'ack', bytes: this.unacked }));
      this.unacked = 0;
    });
  }

  /** Types bytes and resolves when the next output arrives: a keystroke's echo. */
  type(keys: string): Promise<number> {
    const echoed = new Promise<number>((resolve) => this.nextBytes.push(resolve));
    this.socket.send(Buffer.from(keys, 'utf8'), { binary: true });
    return echoed;
  }

  send(keys: string): void {
    this.socket.send(Buffer.from(keys, 'utf8'), { binary: true });
  }

  /** Waits until the latest output matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    if (pattern.test(this.tail)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `terminal never showed ${pattern}; it ends with ${JSON.stringify(this.tail)}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        pattern,
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
