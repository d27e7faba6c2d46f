import type { TraceStep } from '@cove/shared';

/**
 * A call as a process records it: the layer's method and its arguments as they were, in
 * a form JSON carries (a Buffer by its size, a bigint in hex). Putting them into words is
 * left to the engine (see describe-call.ts): in a freshly started init the describing
 * code would run cold, once, on the start's path, and that cost more than the calls.
 */
export interface RecordedCall {
  method: string;
  raw: unknown[];
  result?: unknown;
  error?: string;
  /** `begun`: made, but its end not seen by the process (seccomp, execve). */
  inferred?: string;
  at: number;
  ms: number;
}

/** A step as a process records it, its calls raw. */
export type RecordedStep = Omit<TraceStep, 'calls'> & { calls: RecordedCall[] };

/** A Buffer becomes its size and a bigint its hex, so JSON carries any argument. */
export function rawValue(value: unknown): unknown {
  if (typeof value === 'bigint') return { bigint: value.toString(16) };
  if (Buffer.isBuffer(value)) return { bytes: value.length };
  if (Array.isArray(value)) return value.map(rawValue);
  if (value !== null && typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) {
      return { object: value.constructor?.name ?? 'object' };
    }
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = rawValue(inner);
    return copy;
  }
  return value;
}
