import type { TraceCall } from '@cove/shared';
import * as k from '../libc/constants.js';
import type { RecordedCall } from './recorded-call.js';

// The arguments of a libc call in the words of its man page: flags by their names, paths
// quoted, buffers by size. They arrive raw (see recorded-call.ts: a Buffer as
// `{ bytes }`, a bigint as `{ bigint }`), and only the engine describes them.

type Names = [number, string][];

const cloneFlags: Names = [
  [k.CLONE_NEWNS, 'CLONE_NEWNS'],
  [k.CLONE_NEWCGROUP, 'CLONE_NEWCGROUP'],
  [k.CLONE_NEWUTS, 'CLONE_NEWUTS'],
  [k.CLONE_NEWIPC, 'CLONE_NEWIPC'],
  [k.CLONE_NEWUSER, 'CLONE_NEWUSER'],
  [k.CLONE_NEWPID, 'CLONE_NEWPID'],
  [k.CLONE_NEWNET, 'CLONE_NEWNET'],
  [k.CLONE_FS, 'CLONE_FS'],
];
const mountFlags: Names = [
  [k.MS_RDONLY, 'MS_RDONLY'],
  [k.MS_NOSUID, 'MS_NOSUID'],
  [k.MS_NODEV, 'MS_NODEV'],
  [k.MS_NOEXEC, 'MS_NOEXEC'],
  [k.MS_REMOUNT, 'MS_REMOUNT'],
  [k.MS_BIND, 'MS_BIND'],
  [k.MS_REC, 'MS_REC'],
  [k.MS_PRIVATE, 'MS_PRIVATE'],
  [k.MS_SLAVE, 'MS_SLAVE'],
  [k.MS_STRICTATIME, 'MS_STRICTATIME'],
];
const openFlags: Names = [
  [k.O_WRONLY, 'O_WRONLY'],
  [k.O_RDWR, 'O_RDWR'],
  [k.O_CREAT, 'O_CREAT'],
  [k.O_EXCL, 'O_EXCL'],
  [k.O_NOCTTY, 'O_NOCTTY'],
  [k.O_APPEND, 'O_APPEND'],
  [k.O_NONBLOCK, 'O_NONBLOCK'],
  [k.O_DIRECTORY, 'O_DIRECTORY'],
  [k.O_NOFOLLOW, 'O_NOFOLLOW'],
  [k.O_CLOEXEC, 'O_CLOEXEC'],
  [k.O_PATH, 'O_PATH'],
];
const resolveFlags: Names = [
  [k.RESOLVE_NO_XDEV, 'RESOLVE_NO_XDEV'],
  [k.RESOLVE_NO_MAGICLINKS, 'RESOLVE_NO_MAGICLINKS'],
  [k.RESOLVE_NO_SYMLINKS, 'RESOLVE_NO_SYMLINKS'],
  [k.RESOLVE_BENEATH, 'RESOLVE_BENEATH'],
  [k.RESOLVE_IN_ROOT, 'RESOLVE_IN_ROOT'],
];
const prctlOptions = new Map<number, string>([
  [k.PR_SET_NO_NEW_PRIVS, 'PR_SET_NO_NEW_PRIVS'],
  [k.PR_CAPBSET_DROP, 'PR_CAPBSET_DROP'],
  [k.PR_CAP_AMBIENT, 'PR_CAP_AMBIENT'],
  [k.PR_SET_PDEATHSIG, 'PR_SET_PDEATHSIG'],
  [k.PR_SET_DUMPABLE, 'PR_SET_DUMPABLE'],
]);
const fcntlCommands = new Map<number, string>([
  [k.F_GETFD, 'F_GETFD'],
  [k.F_SETFD, 'F_SETFD'],
  [k.F_GETFL, 'F_GETFL'],
  [k.F_SETFL, 'F_SETFL'],
  [k.F_SETPIPE_SZ, 'F_SETPIPE_SZ'],
  [k.F_DUPFD_CLOEXEC, 'F_DUPFD_CLOEXEC'],
]);

const socketDomains = new Map<number, string>([
  [k.AF_INET, 'AF_INET'],
  [k.AF_NETLINK, 'AF_NETLINK'],
]);
const socketTypes: Names = [
  [k.SOCK_DGRAM, 'SOCK_DGRAM'],
  [k.SOCK_RAW, 'SOCK_RAW'],
  [k.SOCK_CLOEXEC, 'SOCK_CLOEXEC'],
];
const ioctlRequests = new Map<number, string>([
  [k.SIOCGIFFLAGS, 'SIOCGIFFLAGS'],
  [k.SIOCSIFFLAGS, 'SIOCSIFFLAGS'],
  [k.SIOCSIFADDR, 'SIOCSIFADDR'],
  [k.SIOCSIFNETMASK, 'SIOCSIFNETMASK'],
  [k.SIOCGIFMTU, 'SIOCGIFMTU'],
  [k.SIOCGIFINDEX, 'SIOCGIFINDEX'],
  [k.SIOCADDRT, 'SIOCADDRT'],
  [k.TIOCSPTLCK, 'TIOCSPTLCK'],
  [k.TIOCGPTN, 'TIOCGPTN'],
  [k.TIOCSWINSZ, 'TIOCSWINSZ'],
  [k.TIOCSCTTY, 'TIOCSCTTY'],
  [k.TIOCGPTPEER, 'TIOCGPTPEER'],
]);
const request = (value: unknown) =>
  ioctlRequests.get(value as number) ?? `0x${(value as number).toString(16)}`;

/** `MS_REC|MS_PRIVATE`; bits without a name stay as hex; no bit at all is `0`. */
export function flagNames(value: number, names: Names, zero = '0'): string {
  const words: string[] = [];
  let rest = value;
  for (const [bit, name] of names) {
    if ((value & bit) === bit && bit !== 0) {
      words.push(name);
      rest &= ~bit;
    }
  }
  if (rest) words.push(`0x${(rest >>> 0).toString(16)}`);
  return words.length ? words.join('|') : zero;
}

const quote = (value: unknown) => (value === null ? 'NULL' : JSON.stringify(value));

/** A raw Buffer's size. */
const bytes = (value: unknown) => (value as { bytes?: number } | undefined)?.bytes ?? 0;
/** A raw bigint, in hex. */
const hexOf = (value: unknown) => `0x${(value as { bigint?: string } | undefined)?.bigint ?? '0'}`;

function generic(value: unknown): string {
  if (typeof value === 'string' || value === null) return quote(value);
  if (Array.isArray(value)) return `[${value.map(generic).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    if ('bytes' in value) return `<${bytes(value)} bytes>`;
    if ('bigint' in value) return hexOf(value);
    if ('object' in value) return `<${String(value.object)}>`;
  }
  if (typeof value === 'object') {
    return `{${Object.entries(value as object)
      .map(([key, inner]) => `${key}: ${generic(inner)}`)
      .join(', ')}}`;
  }
  return String(value);
}

const describers: Record<string, (args: unknown[]) => string> = {
  unshare: ([flags]) => flagNames(flags as number, cloneFlags),
  setns: ([fd, type, what]) => `${fd} (${what}), ${flagNames(type as number, cloneFlags)}`,
  mount: ([source, target, fstype, flags, data]) =>
    [
      quote(source),
      quote(target),
      quote(fstype),
      flagNames(flags as number, mountFlags),
      quote(data),
    ].join(', '),
  umount2: ([target, flags]) =>
    `${quote(target)}, ${flags === k.MNT_DETACH ? 'MNT_DETACH' : flags}`,
  open: ([path, flags]) => `${quote(path)}, ${flagNames(flags as number, openFlags, 'O_RDONLY')}`,
  openat2: ([dirfd, _path, how, what]) => {
    const { flags, resolve } = how as { flags: number; resolve: number };
    return `${dirfd}, ${quote(what)}, ${flagNames(flags, openFlags, 'O_RDONLY')}, ${flagNames(resolve, resolveFlags)}`;
  },
  mkdirat: ([dirfd, _path, mode, what]) =>
    `${dirfd}, ${quote(what)}, 0${(mode as number).toString(8)}`,
  mknodat: ([dirfd, _path, mode, dev, what]) =>
    `${dirfd}, ${quote(what)}, 0${(mode as number).toString(8)}, ${(dev as number) >> 8}:${(dev as number) & 0xff}`,
  fchmod: ([fd, mode, what]) => `${fd} (${what}), 0${(mode as number).toString(8)}`,
  symlinkat: ([target, dirfd, _link, what]) => `${quote(target)}, ${dirfd}, ${quote(what)}`,
  prctl: ([option, arg2]) => `${prctlOptions.get(option as number) ?? option}, ${arg2}`,
  fcntl: ([fd, command, arg]) =>
    `${fd}, ${fcntlCommands.get(command as number) ?? command}, ${arg}`,
  execve: ([path, argv]) => `${quote(path)}, ${generic(argv)}`,
  capset: ([sets]) => {
    const { effective, permitted } = sets as { effective: unknown; permitted: unknown };
    return `effective ${hexOf(effective)}, permitted ${hexOf(permitted)}`;
  },
  seccompSetModeFilter: ([program, flags]) =>
    `SECCOMP_SET_MODE_FILTER, ${flags}, ${bytes(program) / 8} instructions`,
  closeRange: ([first, last, flags]) =>
    `${first}, ${last === 0xffffffff ? '~0U' : last}, ${flags === k.CLOSE_RANGE_CLOEXEC ? 'CLOSE_RANGE_CLOEXEC' : flags}`,
  ioctl: ([fd, code, _arg, what]) => `${fd} (${what}), ${request(code)}`,
  ioctlInt: ([fd, code, arg, what]) => `${fd} (${what}), ${request(code)}, ${arg}`,
  socket: ([domain, type, protocol]) =>
    `${socketDomains.get(domain as number) ?? domain}, ${flagNames(type as number, socketTypes)}, ${protocol}`,
  send: ([fd, message, what]) => `${fd} (${what}), <${bytes(message)} bytes>`,
  recv: ([fd, buffer, what]) => `${fd} (${what}), <${bytes(buffer)} bytes>`,
};

/** The C names of the layer's calls where they differ from the method's. */
export const cName: Record<string, string> = {
  pivotRoot: 'pivot_root',
  mountSetattr: 'mount_setattr',
  closeRange: 'close_range',
  pidfdOpen: 'pidfd_open',
  pidfdGetfd: 'pidfd_getfd',
  pidfdSendSignal: 'pidfd_send_signal',
  signalDefault: 'signal',
  unblockAllSignals: 'sigprocmask',
  ioctlInt: 'ioctl',
  joinSessionKeyring: 'keyctl',
  seccompSetModeFilter: 'seccomp',
  bpfProgLoad: 'bpf',
  bpfProgAttach: 'bpf',
};

export function describeArguments(method: string, args: unknown[]): string {
  const describe = describers[method];
  return describe ? describe(args) : args.map(generic).join(', ');
}

/** An fd or a count is worth showing; `undefined` (a void call) is not. */
export function describeResult(result: unknown): string {
  return result === undefined ? '' : generic(result);
}

/** A recorded call in words, as a trace shows it. */
export function describeCall(call: RecordedCall): TraceCall {
  const { method, raw, result, ...rest } = call;
  const words = describeResult(result);
  return {
    ...rest,
    call: cName[method] ?? method,
    args: describeArguments(method, raw),
    ...(words ? { result: words } : {}),
  };
}
