import type { Logger } from '../log.js';
import { directoryBytes } from './directory-bytes.js';

export interface StoreUsageReading {
  bytes: number;
  /** When the measurement that found `bytes` ended, in ms since the epoch. */
  measuredAt: number;
}

export interface StoreUsage {
  /**
   * The store's size as last measured, undefined until a measurement has succeeded. A
   * reading older than the refresh interval is returned as it is and a new measurement
   * starts beside it; only a first call, with nothing measured yet, waits for one.
   */
  read(): Promise<StoreUsageReading | undefined>;
}

export interface StoreUsageOptions {
  /** The least time between the starts of two measurements (10 s). */
  refreshMs?: number;
  /** The bytes under `root`: a walk of the directory by default. */
  measure?: (root: string) => Promise<number>;
  now?: () => number;
}

/**
 * The store's disk usage, measured in the background and cached: walking every file of
 * every image and container takes long on a large store, and `system.info` is called by
 * every open dashboard. One measurement runs at a time, at most once per refresh interval,
 * whatever the number of callers, and a slow one is repeated less often: the agent
 * spends at most a tenth of its time measuring.
 */
export function createStoreUsage(
  root: string,
  log: Logger,
  { refreshMs = 10_000, measure = directoryBytes, now = Date.now }: StoreUsageOptions = {},
): StoreUsage {
  let reading: StoreUsageReading | undefined;
  let startedAt = Number.NEGATIVE_INFINITY;
  let interval = refreshMs;
  let running: Promise<void> | undefined;
  const start = () => {
    startedAt = now();
    running = measure(root)
      .then(
        (bytes) => {
          reading = { bytes, measuredAt: now() };
          interval = Math.max(refreshMs, 10 * (reading.measuredAt - startedAt));
        },
        // The last reading stays; the next try waits for the interval like any other.
        (error: unknown) => log.warn('store.usage-failed', { root, message: String(error) }),
      )
      .finally(() => {
        running = undefined;
      });
  };
  return {
    async read() {
      if (!running && now() - startedAt >= interval) start();
      if (!reading && running) await running;
      return reading;
    },
  };
}
