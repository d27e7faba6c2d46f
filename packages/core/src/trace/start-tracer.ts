import type { StartTrace } from '@cove/shared';
import { execveStep } from '../init/init-steps.js';
import { describeCall } from './describe-call.js';
import type { InitTraceFrame } from './init-trace-frame.js';
import type { RecordedCall, RecordedStep } from './recorded-call.js';
import { monotonicMs, TraceRecorder } from './trace-recorder.js';

/** A start's trace once its recording has ended, put into words when first asked. */
export interface PendingTrace {
  containerId: string;
  failed: boolean;
  build(): StartTrace;
}

/** Whom a trace is of: a container record's fields, or an exec's. */
export interface TracedContainer {
  id: string;
  name: string;
  image: string;
  command: string[];
}

/**
 * One start's (or exec's) trace being made: the engine's own recorder, and what the init
 * (or the exec shim) sent of its part. The caller makes one, passes it to the start, and
 * asks for the finished trace whether the start worked or not.
 */
export class StartTracer {
  readonly engine = new TraceRecorder('agent');
  private origin = monotonicMs();
  private startedAt = new Date().toISOString();
  /**
   * The other process's part, filled as its pipe is read: its last frame, and when the
   * pipe closed (at its execve, or at its end).
   */
  init: { frame?: InitTraceFrame; frameAt?: number; closedAt?: number } = {};

  /** Whose start it is: set by the start once it has the container's record. */
  private container?: TracedContainer;

  constructor(readonly kind: 'start' | 'exec' = 'start') {}

  /** The start begins now, for `container` (a `run` creates it first: that is not traced). */
  begin(container: TracedContainer): void {
    this.container = container;
    this.origin = monotonicMs();
    this.startedAt = new Date().toISOString();
  }

  /**
   * The trace, or undefined when the start failed before it knew its container; `error`
   * is the failure the user was told, for a start that failed.
   */
  finish(error?: unknown): StartTrace | undefined {
    return this.end(error)?.build();
  }

  /**
   * Ends the recording now, and leaves putting the trace into words for later: describing
   * a start's two hundred calls takes the engine a millisecond or two, which the caller
   * of the start need not wait for. Undefined when the start never knew its container.
   */
  end(error?: unknown): PendingTrace | undefined {
    const { container } = this;
    if (!container) return undefined;
    const finishedAt = monotonicMs();
    this.engine.stop();
    let built: StartTrace | undefined;
    return {
      containerId: container.id,
      failed: error !== undefined,
      build: () => {
        built ??= this.build(container, finishedAt, error);
        return built;
      },
    };
  }

  private build(container: TracedContainer, finishedAt: number, error: unknown): StartTrace {
    const steps = [...this.engine.steps, ...(this.init.frame?.steps ?? [])];
    if (error === undefined) this.completeExec(steps);
    steps.sort((a, b) => a.at - b.at);
    const relative = (at: number) => round(at - this.origin);
    return {
      kind: this.kind,
      containerId: container.id,
      containerName: container.name,
      image: container.image,
      command: container.command,
      startedAt: this.startedAt,
      ms: round(finishedAt - this.origin),
      ...(error === undefined ? {} : { error: (error as Error).message }),
      steps: steps.map((step) => ({
        ...step,
        at: relative(step.at),
        ms: round(step.ms),
        calls: step.calls.map((call) =>
          describeCall({ ...call, at: relative(call.at), ms: round(call.ms) }),
        ),
      })),
    };
  }

  /**
   * The init's last calls end where it can no longer say so. Its frame left just before
   * them (the engine read it at `frameAt`), with seccomp (or execve) begun; the pipe's
   * close-on-exec with no failure says both succeeded, and when execve got that far.
   */
  private completeExec(steps: RecordedStep[]): void {
    const { frame, frameAt, closedAt } = this.init;
    if (!frame) return;
    const end = closedAt ?? monotonicMs();
    const from = frameAt ?? end;
    const ended = (call: RecordedCall) => call.method === 'execve';
    for (const step of steps) {
      for (const call of step.calls) {
        if (call.inferred !== 'begun') continue;
        call.at = Math.max(call.at, from);
        call.ms = ended(call) ? end - call.at : 0;
        call.inferred = ended(call)
          ? 'the error pipe closed on execve: it succeeded'
          : 'succeeded: the process went on to execve';
        step.ms = Math.max(step.ms, call.at + call.ms - step.at);
      }
    }
    const { exec } = frame;
    if (!exec || steps.some((step) => step.calls.some(ended))) return;
    const { doing: _doing, ...shown } = execveStep;
    const at = Math.min(from, end);
    const call: RecordedCall = {
      method: 'execve',
      raw: [exec.path, exec.args],
      inferred: 'the error pipe closed on execve: it succeeded',
      at,
      ms: end - at,
    };
    steps.push({
      ...shown,
      process: frame.steps.at(-1)?.process ?? 'init',
      at,
      ms: end - at,
      calls: [call],
    });
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
