/** A paste is sent in slices this big, one every `sliceIntervalMs`. */
const sliceBytes = 1024;
const sliceIntervalMs = 4;
/** Past this many bytes queued in the socket, wait for it to drain. */
const socketHighWater = 64 * 1024;
/**
 * How long input waits after a lone Escape key. Programs tell the Escape key from an
 * escape sequence (an arrow key is ESC [ A) by timing: busybox's vi waits 50 ms for the
 * rest of a sequence, so Escape then `:wq` arriving together would read as one unknown
 * sequence and be dropped.
 */
const escapeGapMs = 80;

const escapeByte = 0x1b;

/**
 * Sends keystrokes at once and large pastes in small, spaced slices. A terminal's input
 * queue is a few KiB: a paste of thousands of characters into `vi` arriving in one write
 * fills it and stalls the session, which is the freeze users of other dashboards report.
 * Slices give the program time to read between them, and the socket's own buffer
 * (`bufferedAmount`) is never allowed to grow without bound.
 */
export class InputPacer {
  private queue: Uint8Array[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private holdUntil = 0;

  constructor(private readonly socket: () => WebSocket | null) {}

  send(bytes: Uint8Array): void {
    const immediate =
      this.queue.length === 0 && bytes.length <= sliceBytes && Date.now() >= this.holdUntil;
    if (immediate) this.socket()?.send(bytes);
    else {
      for (let offset = 0; offset < bytes.length; offset += sliceBytes) {
        this.queue.push(bytes.subarray(offset, offset + sliceBytes));
      }
    }
    if (bytes.length === 1 && bytes[0] === escapeByte) {
      this.holdUntil = Date.now() + escapeGapMs;
    }
    if (!immediate) this.pump();
  }

  /** Drops what is queued: input typed into a broken connection must not arrive later. */
  clear(): void {
    this.queue = [];
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    const socket = this.socket();
    const next = this.queue[0];
    if (!socket || socket.readyState !== WebSocket.OPEN || !next) {
      this.clear();
      return;
    }
    const wait = this.holdUntil - Date.now();
    if (wait <= 0 && socket.bufferedAmount < socketHighWater) {
      socket.send(next);
      this.queue.shift();
      if (next.length === 1 && next[0] === escapeByte) this.holdUntil = Date.now() + escapeGapMs;
    }
    if (this.queue.length > 0) {
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.max(sliceIntervalMs, this.holdUntil - Date.now()),
      );
    }
  }
}
