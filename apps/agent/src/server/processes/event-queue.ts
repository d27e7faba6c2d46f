/**
 * Callbacks (a container's output, an exit) turned into an async iterator for a tRPC
 * subscription, counting the bytes waiting: a client that reads slower than a program
 * prints must not make the agent buffer without bound, so the producer is told when the
 * queue is full (`pressure`) and when it has room again.
 */
export function createEventQueue<T>(options: {
  signal?: AbortSignal;
  highWaterBytes: number;
  onPressure?(full: boolean): void;
}) {
  const items: Array<{ item: T; bytes: number }> = [];
  let queuedBytes = 0;
  let full = false;
  let ended = false;
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  options.signal?.addEventListener('abort', wakeUp, { once: true });

  return {
    /** True while the queue holds more than its high-water mark. */
    get full() {
      return full;
    },
    push(item: T, bytes = 0): void {
      if (ended) return;
      items.push({ item, bytes });
      queuedBytes += bytes;
      if (!full && queuedBytes > options.highWaterBytes) {
        full = true;
        options.onPressure?.(true);
      }
      wakeUp();
    },
    /** Nothing more will come: the iterator ends once it has yielded what is queued. */
    end(): void {
      ended = true;
      wakeUp();
    },
    async *drain(): AsyncGenerator<T> {
      for (;;) {
        const next = items.shift();
        if (next) {
          queuedBytes -= next.bytes;
          if (full && queuedBytes <= options.highWaterBytes / 4) {
            full = false;
            options.onPressure?.(false);
          }
          yield next.item;
          continue;
        }
        if (ended || options.signal?.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
