export interface Upstream {
  address: string;
  port: number;
}

/** How an exchange reports its outcome; whichever comes first wins, the rest are ignored. */
export interface AttemptOutcome {
  answer(message: Buffer): void;
  fail(reason: string, cause?: unknown): void;
}

/**
 * One exchange with an upstream, bounded by `timeoutMs` and cut short when the server
 * closes. `begin` starts it and returns how to release its socket, which happens however it
 * ends. Failures read "dns upstream udp 10.0.0.1:53: no answer within 2000 ms".
 */
export function attemptExchange(
  transport: 'udp' | 'tcp',
  upstream: Upstream,
  timeoutMs: number,
  signal: AbortSignal,
  begin: (outcome: AttemptOutcome) => () => void,
): Promise<Buffer> {
  const where = `dns upstream ${transport} ${upstream.address}:${upstream.port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    let release: (() => void) | undefined;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      release?.();
    };
    const outcome: AttemptOutcome = {
      answer(message) {
        if (settled) return;
        settle();
        resolve(message);
      },
      fail(reason, cause) {
        if (settled) return;
        settle();
        reject(new Error(`${where}: ${reason}`, { cause }));
      },
    };
    const onAbort = () => outcome.fail('the DNS server is closing');
    const timer = setTimeout(() => outcome.fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      release = begin(outcome);
    } catch (error) {
      outcome.fail('could not send the query', error);
    }
    // `begin` may have failed before it could hand over its release.
    if (settled) release?.();
  });
}
