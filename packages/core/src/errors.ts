/**
 * An error a user can act on: one sentence, a process exit code to report it with
 * (125 the engine failed, 126 the command cannot run, 127 the command is missing, as
 * Docker does), and the lower-level cause kept for whoever debugs.
 */
export class CoveError extends Error {
  override readonly name = 'CoveError';

  constructor(
    message: string,
    readonly exitCode = 125,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Wraps any error with what was being done: "mounting /proc: mount(...): ENOENT (...)". */
export function withContext<T>(context: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new CoveError(`${context}: ${(error as Error).message}`, exitCodeOf(error), {
      cause: error,
    });
  }
}

export function exitCodeOf(error: unknown): number {
  return error instanceof CoveError ? error.exitCode : 125;
}

export async function withContextAsync<T>(context: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new CoveError(`${context}: ${(error as Error).message}`, exitCodeOf(error), {
      cause: error,
    });
  }
}
