import { type TerminalClientMessage, TerminalServerMessageSchema } from '@cove/shared';
import { terminalWebSocketUrl } from '~/api/agent-urls';
import { AckCounter } from './ack-counter';
import { InputPacer } from './input-pacer';

export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting'; attempt: number; offline: boolean }
  | { kind: 'exited'; exitCode: number | null }
  | { kind: 'gone'; message: string };

/** What the connection needs from the screen it feeds (an xterm.js Terminal). */
export interface TerminalScreen {
  /** `replay`: the agent's copy of output the program wrote earlier, not new output. */
  write(data: Uint8Array, drawn: () => void, replay: boolean): void;
  /** Clears the screen before the agent replays its recent output on a new connection. */
  reset(): void;
  size(): { cols: number; rows: number };
}

/** Idle proxies cut connections after 30–100 s of silence; a ping every 20 s keeps it alive. */
const pingIntervalMs = 20_000;
/** Nothing heard (not even a pong) for this long: the connection is dead, whatever TCP says. */
const silenceLimitMs = 45_000;
/** The agent's close code for a session it does not know. */
const sessionGoneCode = 4404;
/** The agent sends its replay as the first frame, right after the handshake. */
const replayWindowMs = 300;

/**
 * One terminal session's WebSocket: binary frames carry the terminal's bytes both ways,
 * text frames carry JSON control messages. It acknowledges drawn bytes (flow control),
 * pings through idle proxies, and reconnects after a network blip (at once when the
 * browser says it is back online); the agent then replays the screen, so nothing is lost.
 * It stops for good when the process exits or the session is gone.
 */
export class TerminalConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private lastHeard = 0;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private finished = false;
  private lastError: string | null = null;
  private everOpened = false;
  private replayExpectedUntil = 0;
  private readonly acks = new AckCounter((bytes) => this.control({ type: 'ack', bytes }));
  private readonly input = new InputPacer(() => this.socket);
  private readonly encoder = new TextEncoder();

  /**
   * `resuming`: the session was opened before this page (a reload, a return to the tab),
   * so what the agent replays first is history, not a fresh start.
   */
  constructor(
    private readonly sessionId: string,
    private readonly screen: TerminalScreen,
    private readonly onStatus: (status: ConnectionStatus) => void,
    private readonly resuming: boolean,
  ) {}

  connect(): void {
    window.addEventListener('online', this.reconnectNow);
    this.open();
  }

  /** Keystrokes and pastes from xterm.js (`onData` strings, `onBinary` byte strings). */
  sendInput(data: string | Uint8Array): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.input.send(typeof data === 'string' ? this.encoder.encode(data) : data);
  }

  resize(cols: number, rows: number): void {
    this.control({ type: 'resize', cols, rows });
  }

  dispose(): void {
    this.finished = true;
    window.removeEventListener('online', this.reconnectNow);
    this.stopTimers();
    this.input.clear();
    this.socket?.close(1000, 'closed by the dashboard');
    this.socket = null;
  }

  private open(): void {
    this.onStatus(this.attempt === 0 ? { kind: 'connecting' } : this.reconnectingStatus());
    const socket = new WebSocket(terminalWebSocketUrl(this.sessionId));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.acks.reset();
      this.screen.reset();
      if (this.resuming || this.everOpened) this.replayExpectedUntil = Date.now() + replayWindowMs;
      this.everOpened = true;
      const { cols, rows } = this.screen.size();
      this.resize(cols, rows);
      this.pingTimer = setInterval(this.ping, pingIntervalMs);
      this.onStatus({ kind: 'open' });
    };
    socket.onmessage = (event) => {
      this.lastHeard = Date.now();
      if (event.data instanceof ArrayBuffer) {
        const bytes = new Uint8Array(event.data);
        const replay = Date.now() < this.replayExpectedUntil;
        this.replayExpectedUntil = 0;
        this.screen.write(bytes, () => this.acks.drawn(bytes.length), replay);
        return;
      }
      this.handleControl(String(event.data));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopTimers();
      this.input.clear();
      if (this.finished) return;
      if (event.code === sessionGoneCode) {
        this.finished = true;
        this.onStatus({
          kind: 'gone',
          message: this.lastError ?? 'The agent no longer has this terminal session.',
        });
        return;
      }
      this.scheduleReconnect();
    };
  }

  private handleControl(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = TerminalServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'exit') {
      this.finished = true;
      this.onStatus({ kind: 'exited', exitCode: message.exitCode });
    } else if (message.type === 'error') {
      this.lastError = message.message;
    }
  }

  private control(message: TerminalClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private readonly ping = () => {
    if (Date.now() - this.lastHeard > silenceLimitMs) {
      // Half-open (a laptop that slept, a dropped NAT entry): start over.
      const dead = this.socket;
      this.socket = null;
      dead?.close();
      this.stopTimers();
      this.scheduleReconnect();
      return;
    }
    this.control({ type: 'ping' });
  };

  private readonly reconnectNow = () => {
    if (this.finished || this.socket) return;
    clearTimeout(this.retryTimer);
    this.open();
  };

  private scheduleReconnect(): void {
    this.attempt++;
    this.onStatus(this.reconnectingStatus());
    clearTimeout(this.retryTimer);
    // While offline, the `online` event brings it back; the timer is the fallback.
    const delay = Math.min(500 * 2 ** (this.attempt - 1), 8_000);
    this.retryTimer = setTimeout(() => {
      if (!this.finished && !this.socket) this.open();
    }, delay);
  }

  private reconnectingStatus(): ConnectionStatus {
    return { kind: 'reconnecting', attempt: this.attempt, offline: !navigator.onLine };
  }

  private stopTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.retryTimer);
    this.pingTimer = undefined;
  }
}
