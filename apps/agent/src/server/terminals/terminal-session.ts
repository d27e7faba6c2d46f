import { randomBytes } from 'node:crypto';
import type tty from 'node:tty';
import { type Libc, openTerminalStreams, setTerminalSize, type TerminalSize } from '@cove/core';
import type { TerminalServerMessage, TerminalSession } from '@cove/shared';

/** Output kept for a client that attaches later or re-attaches after a reload. */
const scrollbackBytes = 256 * 1024;
/** Unacknowledged bytes at which the program is paused, and at which it resumes. */
const highWatermark = 1024 * 1024;
const lowWatermark = 128 * 1024;

export interface TerminalClient {
  send(data: Buffer): void;
  control(message: TerminalServerMessage): void;
  close(): void;
}

interface AttachedClient {
  client: TerminalClient;
  unacked: number;
}

/**
 * A PTY master owned by the agent, with any number of clients (browser tabs, the CLI).
 * It lives as long as its process, not as long as a client: a reload re-attaches and
 * first gets the recent output. Flow control follows xterm.js's guide: clients ack the
 * bytes they have drawn; above a high watermark of unacked bytes the PTY is not read,
 * so the program blocks on write instead of the agent buffering without bound.
 */
export class PtySession {
  readonly id = randomBytes(16).toString('hex');
  readonly createdAt = Date.now();
  exitCode: number | null = null;
  private readonly input: tty.WriteStream;
  private readonly inputFd: number;
  private readonly output: tty.ReadStream;
  private readonly clients = new Set<AttachedClient>();
  private scrollback: Buffer[] = [];
  private scrollbackSize = 0;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly libc: Libc,
    master: number,
    readonly containerId: string,
    readonly mode: 'exec' | 'attach',
    readonly command: string[],
    /** The program's exit code; null when it is unknown (a container an earlier agent started). */
    exited: Promise<number | null>,
  ) {
    ({
      output: this.output,
      input: this.input,
      inputFd: this.inputFd,
    } = openTerminalStreams(libc, master));
    this.output.on('data', (chunk: Buffer) => this.broadcast(chunk));
    exited.then(
      (code) => this.finish(code),
      () => this.finish(null),
    );
  }

  describe(): TerminalSession {
    return {
      id: this.id,
      containerId: this.containerId,
      mode: this.mode,
      command: this.command,
      createdAt: this.createdAt,
      exitCode: this.exitCode,
    };
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  attach(client: TerminalClient): () => void {
    const attached: AttachedClient = { client, unacked: 0 };
    if (this.scrollbackSize) client.send(Buffer.concat(this.scrollback));
    if (this.closed) {
      client.control({ type: 'exit', exitCode: this.exitCode });
      return () => {};
    }
    this.clients.add(attached);
    return () => {
      this.clients.delete(attached);
      this.updateFlow();
    };
  }

  write(data: Buffer | string): void {
    if (!this.closed) this.input.write(data);
  }

  resize(size: TerminalSize): void {
    // Through the writer's fd: the reader closes `master` itself when the program's end
    // hangs the terminal up, and that number may by now be a stranger's.
    if (!this.closed && !this.input.destroyed) setTerminalSize(this.libc, this.inputFd, size);
  }

  acknowledge(client: TerminalClient, bytes: number): void {
    for (const attached of this.clients) {
      if (attached.client === client) attached.unacked = Math.max(0, attached.unacked - bytes);
    }
    this.updateFlow();
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Lets every client go; the program and its terminal go on, for a later attach. */
  detachAll(): void {
    for (const { client } of this.clients) client.close();
    this.clients.clear();
    this.updateFlow();
  }

  /**
   * Stops using the terminal. For an exec session that is the last holder of the master,
   * so the kernel hangs up: SIGHUP to the terminal's session, as a closed ssh would. A
   * container's own terminal is also held by its keeper, so the container goes on.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.output.destroy();
    this.input.destroy();
    for (const { client } of this.clients) client.close();
    this.clients.clear();
    for (const listener of this.closeListeners) listener();
  }

  private broadcast(chunk: Buffer): void {
    this.scrollback.push(chunk);
    this.scrollbackSize += chunk.length;
    while (this.scrollbackSize > scrollbackBytes && this.scrollback.length > 1) {
      this.scrollbackSize -= this.scrollback.shift()?.length ?? 0;
    }
    for (const attached of this.clients) {
      attached.unacked += chunk.length;
      attached.client.send(chunk);
    }
    this.updateFlow();
  }

  private updateFlow(): void {
    const most = Math.max(0, ...[...this.clients].map((c) => c.unacked));
    if (most > highWatermark && !this.output.isPaused()) this.output.pause();
    else if (most < lowWatermark && this.output.isPaused()) this.output.resume();
  }

  private finish(code: number | null): void {
    this.exitCode = code;
    // Let the last output reach the clients before saying goodbye.
    setTimeout(() => {
      for (const { client } of this.clients) client.control({ type: 'exit', exitCode: code });
      this.close();
    }, 100);
  }
}
