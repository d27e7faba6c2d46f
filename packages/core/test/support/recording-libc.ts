import type { Libc } from '../../src/libc/libc.js';
import { SyscallError } from '../../src/libc/syscall-error.js';

export interface RecordedCall {
  call: keyof Libc;
  args: unknown[];
}

/**
 * A Libc that makes no system call: it records each call with its arguments, hands out
 * fake fds from 100 up, answers getrlimit with 20000 for both limits and getcwd with "/",
 * and can be told to fail a call (optionally only when an argument matches) with a given
 * errno, so the engine's order and error paths can be tested without root.
 */
export function recordingLibc() {
  const calls: RecordedCall[] = [];
  const failures: Array<{
    call: keyof Libc;
    errno: number;
    code: string;
    when?: (args: unknown[]) => boolean;
  }> = [];
  let nextFd = 100;
  const errnoOf: Record<string, number> = {
    ENOENT: 2,
    EACCES: 13,
    EEXIST: 17,
    ENOTDIR: 20,
    EINVAL: 22,
    ELOOP: 40,
    ENODEV: 19,
    EPERM: 1,
    ENOSYS: 38,
    EOPNOTSUPP: 95,
  };

  const handler: ProxyHandler<Libc> = {
    get(_target, property) {
      const call = property as keyof Libc;
      return (...args: unknown[]) => {
        calls.push({ call, args });
        const failure = failures.find((f) => f.call === call && (!f.when || f.when(args)));
        if (failure)
          throw new SyscallError(call, JSON.stringify(args[0] ?? ''), failure.errno, failure.code);
        if (call === 'open' || call === 'openat2' || call === 'socket' || call === 'pidfdOpen')
          return nextFd++;
        if (call === 'execve')
          throw new SyscallError('execve', String(args[0]), 0, 'recorded, not executed');
        if (call === 'getrlimit') return { soft: 20000n, hard: 20000n };
        if (call === 'getcwd') return '/';
        return 0;
      };
    },
  };
  const libc = new Proxy({} as Libc, handler);
  return {
    libc,
    calls,
    /** Makes `call` fail with `code` (e.g. 'ENOENT'), for every call or those `when` matches. */
    fail(call: keyof Libc, code: string, when?: (args: unknown[]) => boolean) {
      failures.push({ call, errno: errnoOf[code] ?? 5, code, when });
    },
    named(call: keyof Libc) {
      return calls.filter((c) => c.call === call);
    },
  };
}
