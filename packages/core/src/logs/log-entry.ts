/**
 * One record of a container's log. The log file holds one JSON object per line, in the
 * shape Docker's json-file driver uses, so the tools people know read it:
 * `{"log":"text\n","stream":"stdout","time":"2026-11-23T10:00:00.000Z"}`.
 * `log` keeps its newline; a record without one is a partial line that a later record
 * continues (output that stopped mid-line, or a line longer than one read).
 */
export interface LogEntry {
  /** When the logger read it, in ms since the epoch; null for lines of an older raw log. */
  time: number | null;
  stream: 'stdout' | 'stderr';
  text: string;
}

export function encodeLogEntry(stream: LogEntry['stream'], text: string, time: number): string {
  return `${JSON.stringify({ log: text, stream, time: new Date(time).toISOString() })}\n`;
}

/** A line of the log file; a line that is not a record (a log from before records) is stdout text. */
export function decodeLogLine(line: string): LogEntry {
  if (line.startsWith('{')) {
    try {
      const record = JSON.parse(line) as { log?: unknown; stream?: unknown; time?: unknown };
      if (typeof record.log === 'string') {
        const time = typeof record.time === 'string' ? Date.parse(record.time) : Number.NaN;
        return {
          time: Number.isNaN(time) ? null : time,
          stream: record.stream === 'stderr' ? 'stderr' : 'stdout',
          text: record.log,
        };
      }
    } catch {}
  }
  return { time: null, stream: 'stdout', text: `${line}\n` };
}
