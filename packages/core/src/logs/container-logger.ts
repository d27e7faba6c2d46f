import { closeSync, constants, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { encodeLogEntry, type LogEntry } from './log-entry.js';
import type { StdioFifos } from './stdio-fifos.js';

/** Read ends of a container's output pipes, opened but not yet read. */
export interface OutputPipes {
  stdout: number;
  stderr: number;
}

/**
 * Opens the read ends before the container starts. A named pipe that nobody holds open
 * drops what is in it, so a container that writes and exits before its logger gets
 * going would lose its output; and epoll reports the end of a pipe only to a reader
 * that was there when the writer came.
 */
export function openOutputPipes(fifos: Pick<StdioFifos, 'stdout' | 'stderr'>): OutputPipes {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK;
  const stdout = openSync(fifos.stdout, flags);
  try {
    return { stdout, stderr: openSync(fifos.stderr, flags) };
  } catch (error) {
    closeSync(stdout);
    throw error;
  }
}

/**
 * Reads what a container left in its pipes after it ended while no logger ran (its
 * keeper held them, so nothing was dropped) and appends it to the log. Every writer is
 * gone, so a read ends with EOF once the pipe is empty: this never waits.
 */
export function drainOutputPipes(pipes: OutputPipes, logPath: string): void {
  const logFd = openSync(logPath, 'a', 0o600);
  const buffer = Buffer.alloc(64 * 1024);
  try {
    for (const [stream, fd] of [
      ['stdout', pipes.stdout],
      ['stderr', pipes.stderr],
    ] as const) {
      const chunks: Buffer[] = [];
      for (let read = readPipe(fd, buffer); read > 0; read = readPipe(fd, buffer)) {
        chunks.push(Buffer.from(buffer.subarray(0, read)));
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const now = Date.now();
      for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
        writeSync(logFd, encodeLogEntry(stream, line, now));
      }
    }
  } finally {
    closeSync(logFd);
  }
}

/** A non-blocking read: 0 at the end, and also when a writer is (unexpectedly) still there. */
function readPipe(fd: number, buffer: Buffer): number {
  try {
    return readSync(fd, buffer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return 0;
    throw error;
  }
}

export function closeOutputPipes(pipes: OutputPipes): void {
  closeSync(pipes.stdout);
  closeSync(pipes.stderr);
}

export const maxLogBytes = 10 * 1024 * 1024;

/** A chunk of live output, as the container wrote it, for whoever is attached. */
export interface OutputChunk {
  stream: LogEntry['stream'];
  data: Buffer;
}

export interface ContainerLogger {
  /** Resolves once every writer in the container closed both streams and all is written. */
  done: Promise<void>;
  /** Live output from now on; returns the way to stop listening. */
  subscribe(listener: (chunk: OutputChunk) => void): () => void;
  /** Lets this process exit while the logger would go on reading. */
  unref(): void;
}

/**
 * The logger of one container, in the process that started it (conmon's job, done by
 * the agent): it reads the container's stdout and stderr pipes and appends timestamped
 * records to the log, keeping one older generation of `maxLogBytes` as `<log>.1`.
 *
 * Start it only once the container holds its ends (after the init's verdict): until a
 * writer comes, a pipe reads as ended. The container opens its ends read-write (see attach-stdio.ts), so a write
 * while no logger runs waits in the pipe instead of killing the writer with SIGPIPE.
 */
export function startContainerLogger(pipes: OutputPipes, logPath: string): ContainerLogger {
  const listeners = new Set<(chunk: OutputChunk) => void>();
  let logFd = openSync(logPath, 'a', 0o600);
  let written = 0;

  const append = (stream: LogEntry['stream'], text: string) => {
    const record = encodeLogEntry(stream, text, Date.now());
    written += writeSync(logFd, record);
    if (written < maxLogBytes) return;
    // The logger is the log's only writer, so renaming it loses nothing.
    closeSync(logFd);
    renameSync(logPath, `${logPath}.1`);
    logFd = openSync(logPath, 'a', 0o600);
    written = 0;
  };

  const sockets: Socket[] = [];
  const read = (stream: LogEntry['stream'], fd: number) =>
    new Promise<void>((resolve) => {
      const socket = new Socket({ fd, readable: true, writable: false });
      sockets.push(socket);
      // One record per line. What is left at the end of a read waits briefly for the
      // rest of its line; then (a prompt, a progress bar) or past 16 KiB (Docker's limit)
      // it is written as a partial record, without a newline.
      const decoder = new StringDecoder('utf8');
      let pending = '';
      let flushTimer: NodeJS.Timeout | undefined;
      const flushPartial = () => {
        clearTimeout(flushTimer);
        if (pending) append(stream, pending);
        pending = '';
      };
      socket.on('data', (data: Buffer) => {
        for (const listener of listeners) listener({ stream, data });
        const text = pending + decoder.write(data);
        let start = 0;
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
          append(stream, text.slice(start, end + 1));
          start = end + 1;
        }
        pending = text.slice(start);
        clearTimeout(flushTimer);
        if (pending.length > 16 * 1024) flushPartial();
        else if (pending) flushTimer = setTimeout(flushPartial, 100).unref();
      });
      socket.once('close', () => {
        pending += decoder.end();
        flushPartial();
        resolve();
      });
      socket.on('error', () => socket.destroy());
    });

  const done = Promise.all([read('stdout', pipes.stdout), read('stderr', pipes.stderr)]).then(
    () => {
      listeners.clear();
      closeSync(logFd);
    },
  );
  return {
    done,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    unref() {
      for (const socket of sockets) socket.unref();
    },
  };
}
