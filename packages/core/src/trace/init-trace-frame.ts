import type { RecordedStep } from './recorded-call.js';

/**
 * What a traced init (or exec shim) sends the engine of its part of a start: its steps
 * and calls, with times on the shared monotonic clock, and the program it is about to
 * execve (whose success it cannot report: see traceLibc's `beforeLastCalls`).
 */
export interface InitTraceFrame {
  steps: RecordedStep[];
  exec?: { path: string; args: string[] };
}

/**
 * On the init's error pipe a frame is a record separator, the JSON, and a newline: JSON
 * escapes both characters inside strings, so a frame cannot be mistaken for a mark or
 * for a failure's JSON, and each later frame holds everything of the earlier ones.
 */
const FRAME_START = '\x1e';

export const encodeTraceFrame = (frame: InitTraceFrame): string =>
  `${FRAME_START}${JSON.stringify(frame)}\n`;

/**
 * Takes the frames out of what the pipe has carried since the last call: the last whole
 * frame, the text around them, and an unfinished frame at the end, to be given again with
 * what follows. Each frame is parsed once, however many reads it arrives in.
 */
export function takeTraceFrames(text: string): {
  frame?: InitTraceFrame;
  rest: string;
  unfinished: string;
} {
  let rest = '';
  let frame: InitTraceFrame | undefined;
  let position = 0;
  for (;;) {
    const start = text.indexOf(FRAME_START, position);
    if (start < 0) return { frame, rest: rest + text.slice(position), unfinished: '' };
    rest += text.slice(position, start);
    const end = text.indexOf('\n', start);
    if (end < 0) return { frame, rest, unfinished: text.slice(start) };
    frame = JSON.parse(text.slice(start + 1, end)) as InitTraceFrame;
    position = end + 1;
  }
}
