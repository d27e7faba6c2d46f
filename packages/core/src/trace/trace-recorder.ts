import { hrtime } from 'node:process';
import type { TraceProcess } from '@cove/shared';
import { SyscallError } from '../libc/syscall-error.js';
import type { InitTraceFrame } from './init-trace-frame.js';
import { type RecordedCall, type RecordedStep, rawValue } from './recorded-call.js';
import type { StepNotes } from './trace-step.js';

/** Milliseconds on the monotonic clock, which the agent, an init and a shim share. */
export const monotonicMs = (): number => Number(hrtime.bigint()) / 1e6;

/** Calls made outside any step (there should be none; if there are, they still show). */
const unnamedStep: StepNotes = {
  id: 'other',
  group: 'other',
  title: 'Other calls',
  why: 'Calls the engine made outside the steps it names.',
  byHand: '',
  doing: '',
};

/**
 * The steps and calls of one process during one start, with times on the monotonic
 * clock (a trace turns them into times from its own start). Exists only while tracing:
 * an untraced start has no recorder at all.
 */
export class TraceRecorder {
  readonly steps: RecordedStep[] = [];
  private readonly open: RecordedStep[] = [];
  /** Once the trace is made: the start's libc goes on serving the container, unrecorded. */
  private stopped = false;
  /** The program the process is about to become, for the engine to record its execve. */
  exec?: { path: string; args: string[] };

  constructor(readonly process: TraceProcess) {}

  begin(notes: StepNotes): void {
    if (this.stopped) return;
    const { doing: _doing, ...shown } = notes;
    const step: RecordedStep = {
      ...shown,
      process: this.process,
      at: monotonicMs(),
      ms: 0,
      calls: [],
    };
    this.steps.push(step);
    this.open.push(step);
  }

  end(notes: StepNotes): void {
    const step = this.open.at(-1);
    if (step?.id !== notes.id) return;
    this.open.pop();
    step.ms = monotonicMs() - step.at;
  }

  /** Marks the innermost open step failed with the error as it reads there. */
  fail(error: unknown): void {
    const step = this.open.at(-1);
    if (step && step.failed === undefined) step.failed = (error as Error).message;
  }

  /** Runs one call of the libc layer (by its method's name) and records it. */
  call<T>(method: string, args: unknown[], action: () => T): T {
    if (this.stopped) return action();
    return this.finish(this.beginCall(method, args), action);
  }

  /** Runs a begun call's action and records how it ended. */
  finish<T>(call: RecordedCall, action: () => T): T {
    try {
      const result = action();
      call.ms = monotonicMs() - call.at;
      if (result !== undefined) call.result = rawValue(result);
      return result;
    } catch (error) {
      call.ms = monotonicMs() - call.at;
      call.error =
        error instanceof SyscallError ? `${error.code} (${error.meaning})` : String(error);
      throw error;
    }
  }

  /** A call whose end this process may not see (execve): recorded as begun. */
  beginCall(method: string, args: unknown[]): RecordedCall {
    // A call between two steps (a umask around the root filesystem's) joins the last one.
    let step = this.open.at(-1) ?? this.steps.at(-1);
    if (!step) {
      this.begin(unnamedStep);
      step = this.open.pop() as RecordedStep;
    }
    const call: RecordedCall = { method, raw: args.map(rawValue), at: monotonicMs(), ms: 0 };
    step.calls.push(call);
    return call;
  }

  /** Ends the recording: later calls run as they would untraced. */
  stop(): void {
    this.stopped = true;
    this.open.length = 0;
  }

  /** What the engine is sent of this process's part. */
  frame(): InitTraceFrame {
    return { steps: this.steps, exec: this.exec };
  }
}
