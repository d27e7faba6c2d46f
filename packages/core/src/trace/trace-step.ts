import { withContext, withContextAsync } from '../errors.js';
import type { Libc } from '../libc/libc.js';
import { recorderOf } from './traced-libc.js';

/**
 * A step of a container's birth as the seeds teach it, written next to the code that
 * takes it: why it is there (the trap it avoids), and how a person would do the same
 * in a shell. The trace groups the step's system calls under it.
 */
export interface StepNotes {
  id: string;
  /** The waterfall's group: namespaces, cgroup, root filesystem, network, process... */
  group: string;
  title: string;
  why: string;
  byHand: string;
  /**
   * What the error message says was being done when the step fails; empty when the
   * step's own code says it (the error then reads as it would without a trace).
   */
  doing: string;
}

/**
 * Runs one step: errors are told with the step's `doing` (as withContext does), and a
 * traced libc records the step's start, its calls and its failure. With an untraced
 * libc this costs one WeakMap lookup and allocates nothing.
 */
export function step<T>(libc: Libc, notes: StepNotes, action: () => T): T {
  const recorder = recorderOf(libc);
  if (!recorder) return notes.doing ? withContext(notes.doing, action) : action();
  recorder.begin(notes);
  try {
    return notes.doing ? withContext(notes.doing, action) : action();
  } catch (error) {
    recorder.fail(error);
    throw error;
  } finally {
    recorder.end(notes);
  }
}

/** `step` for the engine's asynchronous steps (the cgroup, the network's host side). */
export async function stepAsync<T>(
  libc: Libc,
  notes: StepNotes,
  action: () => Promise<T>,
): Promise<T> {
  const recorder = recorderOf(libc);
  if (!recorder) return notes.doing ? withContextAsync(notes.doing, action) : action();
  recorder.begin(notes);
  try {
    return await (notes.doing ? withContextAsync(notes.doing, action) : action());
  } catch (error) {
    recorder.fail(error);
    throw error;
  } finally {
    recorder.end(notes);
  }
}
