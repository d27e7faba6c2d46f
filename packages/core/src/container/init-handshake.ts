import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { CoveError } from '../errors.js';
import {
  INIT_EXECUTING,
  INIT_READY,
  INIT_WANTS_NETWORK,
  INIT_WANTS_TERMINAL,
  type InitFailure,
} from '../init/init-spec.js';
import { type InitTraceFrame, takeTraceFrames } from '../trace/init-trace-frame.js';
import { monotonicMs } from '../trace/trace-recorder.js';

/** How an init's attempt to become the container's program ended, read from its error pipe. */
export type InitVerdict =
  | { kind: 'executing' }
  | { kind: 'failed'; failure: InitFailure }
  /** Ended with neither a failure nor the mark: crashed or killed before execve. */
  | { kind: 'died' };

export interface InitHandshake {
  /** The init is up and waits for its spec: it may join the container's cgroup. */
  ready: Promise<void>;
  /** A `bridge` init has its network namespace and waits for the veth. */
  wantsNetwork: Promise<void>;
  /** A `terminal` init has mounted the container's devpts and waits for a PTY number. */
  wantsTerminal: Promise<void>;
  /** Settles when the error pipe closes: at execve (close-on-exec) or at the init's end. */
  verdict: Promise<InitVerdict>;
  /** A traced init's part of the trace, and when its pipe closed (monotonic ms). */
  trace: { frame?: InitTraceFrame; frameAt?: number; closedAt?: number };
}

const handshakes = new WeakMap<ChildProcess, InitHandshake>();

/**
 * The engine's side of the init's error pipe (see INIT_READY in init-spec.ts). Read from
 * the first call on; a pooled init's early bytes wait in the stream until then.
 */
export function initHandshake(child: ChildProcess): InitHandshake {
  const known = handshakes.get(child);
  if (known) return known;
  const pipe = child.stdio[4] as Readable | null;
  if (!pipe) throw new CoveError('container init has no error pipe');

  /** What the pipe has carried, but for trace frames: the marks and a failure's JSON. */
  let text = '';
  const trace: InitHandshake['trace'] = {};
  /** A trace frame begun in one read and ended in a later one. */
  let unfinished = '';
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let markWantsNetwork = () => {};
  const wantsNetwork = new Promise<void>((resolve) => {
    markWantsNetwork = resolve;
  });
  let markWantsTerminal = () => {};
  const wantsTerminal = new Promise<void>((resolve) => {
    markWantsTerminal = resolve;
  });
  const verdict = new Promise<InitVerdict>((resolve, reject) => {
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk: string) => {
      const taken = takeTraceFrames(unfinished + chunk);
      text += taken.rest;
      unfinished = taken.unfinished;
      if (taken.frame) {
        trace.frame = taken.frame;
        trace.frameAt = monotonicMs();
      }
      const { marks } = splitMarks(text);
      if (marks.includes(INIT_READY)) markReady();
      if (marks.includes(INIT_WANTS_NETWORK)) markWantsNetwork();
      if (marks.includes(INIT_WANTS_TERMINAL)) markWantsTerminal();
    });
    pipe.once('end', () => {
      trace.closedAt = monotonicMs();
      resolve(verdictOf(text));
    });
    pipe.once('error', reject);
    child.once('error', reject);
  });
  const handshake: InitHandshake = {
    // An init that ends before it is ready has its verdict now: `died` or its failure.
    ready: Promise.race([ready, verdict.then(() => {})]),
    wantsNetwork,
    wantsTerminal,
    verdict,
    trace,
  };
  handshakes.set(child, handshake);
  return handshake;
}

/** The marks come in this order, each at most once; whatever follows is a failure's JSON. */
const markOrder = [INIT_READY, INIT_WANTS_NETWORK, INIT_WANTS_TERMINAL, INIT_EXECUTING];

function splitMarks(text: string): { marks: string[]; rest: string } {
  const marks: string[] = [];
  let rest = text;
  for (const mark of markOrder) {
    if (rest.startsWith(mark)) {
      marks.push(mark);
      rest = rest.slice(mark.length);
    }
  }
  return { marks, rest };
}

function verdictOf(text: string): InitVerdict {
  const { marks, rest } = splitMarks(text);
  if (rest) return { kind: 'failed', failure: JSON.parse(rest) as InitFailure };
  return marks.includes(INIT_EXECUTING) ? { kind: 'executing' } : { kind: 'died' };
}
