import { CoveError } from '../errors.js';

/** How long an init has from spawn to execve unless told otherwise (COVE_START_TIMEOUT_MS). */
export const DEFAULT_START_TIMEOUT_MS = 10_000;

export function startTimeoutFromEnvironment(): number {
  const text = process.env.COVE_START_TIMEOUT_MS;
  const value = Number(text);
  return text && Number.isInteger(value) && value > 0 ? value : DEFAULT_START_TIMEOUT_MS;
}

/**
 * Settles like `work`, or fails once `ms` have passed: an init that never answers (an
 * image whose /etc/passwd is a FIFO nobody writes, a stuck mount) must not hold a start,
 * and whoever waits on it, forever. It also fails at once when `cancel` is aborted (an
 * `rm -f` of the container): its reason says why. The caller kills the init and cleans
 * up on the error.
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  cancel?: AbortSignal,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    onCancel = () => reject(new CoveError(`${what} was cut short: ${String(cancel?.reason)}`));
    if (cancel?.aborted) onCancel();
    else cancel?.addEventListener('abort', onCancel, { once: true });
    timer = setTimeout(
      () =>
        reject(
          new CoveError(
            `${what} took longer than ${ms / 1000} s: the container init was stopped (set COVE_START_TIMEOUT_MS to allow more)`,
          ),
        ),
      ms,
    );
  });
  // The work goes on after a deadline (until the caller kills the init): its later
  // failure is expected, and must not surface as an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => {
    clearTimeout(timer);
    if (onCancel) cancel?.removeEventListener('abort', onCancel);
  });
}
