import { readFileSync } from 'node:fs';
import { decodeLogLine, type LogEntry } from './log-entry.js';

/** Every record of a log file; a missing log is an empty one. */
export function readLogEntries(path: string): LogEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(decodeLogLine);
}

/** What the container wrote, as one string: both streams, in the order they were read. */
export function readLogText(path: string, stream?: LogEntry['stream']): string {
  return readLogEntries(path)
    .filter((entry) => !stream || entry.stream === stream)
    .map((entry) => entry.text)
    .join('');
}
