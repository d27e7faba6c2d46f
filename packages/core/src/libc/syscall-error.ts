import { constants } from 'node:os';

const errnoNames = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [value, name]),
);

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/**
 * A failed system call, said the way crun says it:
 * `mount("/x/rootfs/proc", proc): ENOENT (No such file or directory)`.
 */
export class SyscallError extends Error {
  override readonly name = 'SyscallError';
  readonly code: string;

  constructor(
    readonly call: string,
    readonly detail: string,
    readonly errno: number,
    readonly meaning: string,
  ) {
    const code = errnoName(errno);
    super(`${call}(${detail}): ${code} (${meaning})`);
    this.code = code;
  }
}
