/** What xterm.js's flow-control guide suggests: big enough to be rare, far below the agent's watermark. */
const ackEveryBytes = 100_000;

/**
 * Counts bytes the terminal has drawn (from `term.write` callbacks) and acknowledges them
 * in batches. The agent stops reading the program's output while too many bytes are
 * unacknowledged, so a `cat` of a huge file cannot flood the browser.
 */
export class AckCounter {
  private pending = 0;

  constructor(private readonly send: (bytes: number) => void) {}

  drawn(bytes: number): void {
    this.pending += bytes;
    if (this.pending >= ackEveryBytes) {
      this.send(this.pending);
      this.pending = 0;
    }
  }

  /** A new connection starts from zero on the agent's side too. */
  reset(): void {
    this.pending = 0;
  }
}
