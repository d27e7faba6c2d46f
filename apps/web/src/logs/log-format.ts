import type { LogLine } from '@cove/shared';
import { formatClock } from '~/format/format-time';

const dim = '\u001b[2m';
const red = '\u001b[31m';
const reset = '\u001b[0m';

/**
 * A log line for the terminal-style viewer: the program's own ANSI colours kept, an
 * optional dim timestamp in front, stderr marked in red. Each line ends in a reset so a
 * colour left open by the program does not bleed into the next one.
 */
export function formatLogLine(line: LogLine, timestamps: boolean): string {
  const time = timestamps
    ? `${dim}${line.t === null ? '--:--:--' : formatClock(line.t)}${reset} `
    : '';
  const marker = line.stream === 'stderr' ? `${red}▍${reset}` : '';
  return `${time}${marker}${line.text}${reset}\r\n`;
}

/** The log as a text file: what the program wrote, one line each, as `cove logs` prints it. */
export function logFileText(lines: readonly LogLine[]): string {
  return lines.map((line) => `${line.text}\n`).join('');
}
