/**
 * A failed operation on a cgroup file or directory, said the way crun says it:
 * `write /sys/fs/cgroup/x/memory.max: ENOENT (no such file or directory): the memory
 * controller is not enabled for this cgroup`.
 */
export class CgroupError extends Error {
  override readonly name = 'CgroupError';

  constructor(
    readonly call: string,
    readonly path: string,
    /** The errno name (`ENOENT`), or `''` when the kernel did not fail but the state is wrong. */
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What to tell the user for a given errno; codes not listed get no advice. */
export type ErrnoAdvice = Partial<Record<string, string>>;

/** Wraps a node:fs error with the call, the path and, when known, what to do about it. */
export function cgroupFsError(
  call: string,
  path: string,
  cause: unknown,
  advice: ErrnoAdvice = {},
): CgroupError {
  const code = errorCode(cause);
  // node:fs messages read "ENOENT: no such file or directory, open '/x'".
  const meaning = /^E[A-Z]+: ([^,]+),/.exec(String((cause as Error)?.message))?.[1];
  const what = meaning ? `${code} (${meaning})` : code;
  const hint = advice[code];
  return new CgroupError(call, path, code, `${call} ${path}: ${what}${hint ? `: ${hint}` : ''}`, {
    cause,
  });
}

export function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}
