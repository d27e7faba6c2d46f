import { getHeapSpaceStatistics } from 'node:v8';
import type { Libc } from '../libc/libc.js';
import { encodeTraceFrame } from './init-trace-frame.js';
import { TraceRecorder } from './trace-recorder.js';
import { step } from './trace-step.js';
import { traceLibc } from './traced-libc.js';

const idle = () => 0;

/**
 * Runs the recording code on a libc shaped like `real` that does nothing, so V8 has compiled it before
 * a traced start needs it. An init of a tracing engine's pool does this while it waits
 * (Node compiles each function at its first call, and in a process that lives for one
 * start, every first call would land on the start's path).
 */
export function warmTracing(real: Libc): void {
  const nothing = Object.fromEntries(Object.keys(real).map((method) => [method, idle]));
  const recorder = new TraceRecorder('init');
  const libc = traceLibc(nothing as unknown as Libc, recorder);
  const notes = { id: 'warm', group: 'warm', title: '', why: '', byHand: '', doing: 'warming' };
  for (let round = 0; round < 3; round++) {
    step(libc, notes, () => {
      libc.mount(null, '/', null, 0, null);
      libc.open('/', 0);
      libc.ioctl(0, 0, Buffer.alloc(8), 'warm');
      libc.capset({ effective: 0n, permitted: 0n, inheritable: 0n });
      libc.prctl(0, 0);
    });
  }
  encodeTraceFrame(recorder.frame());
  emptyYoungGeneration();
}

const youngGenerationUsed = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size;

/**
 * A traced start allocates more than an untraced one, enough to fill V8's young
 * generation after Node's start-up: its scavenge (3 to 6 ms, measured) then fell in the
 * middle of the start. Allocating short-lived garbage until one happens here, while the
 * init waits, leaves the start the whole young generation.
 */
function emptyYoungGeneration(): void {
  let before = youngGenerationUsed();
  if (before === undefined) return; // a V8 that names its spaces otherwise: skip, not spin
  let garbage: unknown[] = [];
  // A million short arrays (about 40 MB) at most: more than the young generation holds.
  for (let round = 0; round < 1000; round++) {
    for (let i = 0; i < 1000; i++) garbage.push([i]);
    garbage = [];
    const now = youngGenerationUsed() ?? 0;
    if (now < before) return;
    before = now;
  }
}
