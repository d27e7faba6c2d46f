import { readSync, writeSync } from 'node:fs';
import { exitCodeOf } from '../errors.js';
import { koffiLibc } from '../libc/koffi-libc.js';
import { encodeTraceFrame } from '../trace/init-trace-frame.js';
import { TraceRecorder } from '../trace/trace-recorder.js';
import { step } from '../trace/trace-step.js';
import { traceLibc } from '../trace/traced-libc.js';
import { warmTracing } from '../trace/warm-tracing.js';
import { attachStdio, stdioStep } from './attach-stdio.js';
import { containerInit, type EngineChannel } from './container-init.js';
import {
  ERROR_FD,
  INIT_EXECUTING,
  INIT_READY,
  INIT_WANTS_NETWORK,
  INIT_WANTS_TERMINAL,
  type InitFailure,
  type InitSpec,
  SPEC_FD,
  WARM_TRACING,
} from './init-spec.js';

// Entry point of a container's init process, spawned by the engine as PID 1 of a new
// PID namespace. It waits for its spec, then becomes the user's program.

/** The engine's answer did not come: its own error says why. */
class NoAnswerError extends Error {}

/**
 * One newline-ended message from the spec pipe. The engine writes the next one only
 * after an answer from here, so nothing past the newline is read by mistake.
 */
function readLine(what: string): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    const read = readSync(SPEC_FD, buffer);
    if (read === 0)
      throw new NoAnswerError(`the engine closed the spec pipe before sending ${what}`);
    chunks.push(Buffer.from(buffer.subarray(0, read)));
    if (buffer[read - 1] === 0x0a) return Buffer.concat(chunks).toString('utf8');
  }
}

const engine: EngineChannel = {
  requestNetwork: () => writeSync(ERROR_FD, INIT_WANTS_NETWORK),
  networkAttached() {
    const answer = readLine("the container's network");
    if (answer !== '\n')
      throw new NoAnswerError(`the engine did not attach the network: ${answer}`);
  },
  terminalNumber() {
    writeSync(ERROR_FD, INIT_WANTS_TERMINAL);
    const answer = readLine("the container's terminal");
    if (!/^\d+\n$/.test(answer)) {
      throw new NoAnswerError(`the engine sent no terminal number: ${answer}`);
    }
    return Number(answer);
  },
  markExecuting: () => writeSync(ERROR_FD, INIT_EXECUTING),
};

/** A traced start's record of this process, sent before its last calls and at a failure. */
let recorder: TraceRecorder | undefined;
const sendTrace = () => {
  if (!recorder) return;
  try {
    writeSync(ERROR_FD, encodeTraceFrame(recorder.frame()));
  } catch {
    // A trace must not change how the start ends.
  }
};

try {
  if (process.argv.includes(WARM_TRACING)) warmTracing(koffiLibc);
  // Node has started its threads: the engine may now put this process in a cgroup whose
  // pids.max would refuse a thread created later.
  writeSync(ERROR_FD, INIT_READY);
  const spec = JSON.parse(readLine('the spec')) as InitSpec;
  if (spec.trace) recorder = new TraceRecorder('init');
  const libc = recorder ? traceLibc(koffiLibc, recorder, sendTrace) : koffiLibc;
  if (spec.stdio.kind === 'pipes') step(libc, stdioStep, () => attachStdio(libc, spec.stdio));
  containerInit(libc, spec, engine);
} catch (error) {
  const failure: InitFailure = {
    message: (error as Error).message,
    exitCode: exitCodeOf(error),
    ...(error instanceof NoAnswerError ? { waitingForEngine: true } : {}),
  };
  sendTrace();
  writeSync(ERROR_FD, JSON.stringify(failure));
  process.exit(failure.exitCode);
}
