/**
 * The system calls the engine makes, one method per call and no decisions: order,
 * fallbacks and meaning live one layer up. Every failure throws a SyscallError that
 * names the call, its path or argument and the errno.
 */
export interface OpenHow {
  flags: number;
  mode?: number;
  resolve: number;
}

export interface CapabilitySets {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
}

/** A soft and a hard limit, as getrlimit(2) gives them (RLIM_INFINITY is 2^64-1). */
export interface ResourceLimitValues {
  soft: bigint;
  hard: bigint;
}

/** struct mount_attr of mount_setattr(2): MOUNT_ATTR_* bits to set and to clear. */
export interface MountAttributes {
  attrSet: number;
  attrClr: number;
  propagation: number;
  usernsFd: number;
}

export interface Libc {
  unshare(flags: number): void;
  /** `what` names the namespace file the fd came from, for the error message. */
  setns(fd: number, nstype: number, what: string): void;
  mount(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number,
    data: string | null,
  ): void;
  umount2(target: string, flags: number): void;
  /** mount_setattr(2); `what` names the mount, for the error. */
  mountSetattr(
    dirfd: number,
    path: string,
    flags: number,
    attributes: MountAttributes,
    what: string,
  ): void;
  pivotRoot(newRoot: string, putOld: string): void;
  chdir(path: string): void;
  /** glibc's getcwd(3): fails with ENOENT when the directory is outside the process's root. */
  getcwd(): string;
  fchdir(fd: number, what: string): void;
  open(path: string, flags: number, mode?: number): number;
  openat2(dirfd: number, path: string, how: OpenHow, what: string): number;
  close(fd: number): void;
  mkdirat(dirfd: number, path: string, mode: number, what: string): void;
  mknodat(dirfd: number, path: string, mode: number, dev: number, what: string): void;
  symlinkat(target: string, dirfd: number, linkPath: string, what: string): void;
  fchmod(fd: number, mode: number, what: string): void;
  /** setxattr(2) on `path` (following symlinks); `flags` is 0, XATTR_CREATE or XATTR_REPLACE. */
  setxattr(path: string, name: string, value: string | Buffer, flags: number): void;
  /** syncfs(2): commits the filesystem that holds `fd`; `what` names its path, for the error. */
  syncfs(fd: number, what: string): void;
  /** flock(2) on an open file; `what` names its path, for the error. */
  flock(fd: number, operation: number, what: string): void;
  sethostname(name: string): void;
  setgroups(gids: number[]): void;
  setresgid(gid: number): void;
  setresuid(uid: number): void;
  capset(sets: CapabilitySets): void;
  prctl(option: number, arg2: number, arg3?: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  closeRange(first: number, last: number, flags: number): void;
  dup3(oldfd: number, newfd: number, flags: number): void;
  umask(mask: number): number;
  /** Returns only by throwing: on success the process image is replaced. */
  execve(path: string, argv: string[], envp: string[]): never;
  geteuid(): number;
  kill(pid: number, signal: number): void;
  pidfdOpen(pid: number): number;
  /** A duplicate of another process's fd (pidfd_getfd(2)), close-on-exec. */
  pidfdGetfd(pidfd: number, targetFd: number): number;
  pidfdSendSignal(pidfd: number, signal: number): void;
  /** Resets a signal's disposition to SIG_DFL (Node ignores SIGPIPE; execve keeps ignores). */
  signalDefault(signal: number): void;
  /** Unblocks every signal for this thread (sigprocmask(SIG_SETMASK, empty)). */
  unblockAllSignals(): void;
  socket(domain: number, type: number, protocol: number): number;
  /** send(2) of the whole buffer (a netlink request); returns the bytes sent. */
  send(fd: number, message: Buffer, what: string): number;
  /** recv(2) into the buffer; returns the bytes received (a netlink answer). */
  recv(fd: number, buffer: Buffer, what: string): number;
  /** The C library's words for an errno a kernel answer carried (netlink's are not in errno). */
  strerror(errno: number): string;
  /** ioctl with a pointer argument; the buffer is read and written in place. */
  ioctl(fd: number, request: number, arg: Buffer, what: string): number;
  /** ioctl with an int argument (TIOCGPTPEER's open flags); returns what the call returns. */
  ioctlInt(fd: number, request: number, arg: number, what: string): number;
  /** poll(2) on one fd; returns its revents. */
  poll(fd: number, events: number, timeoutMs: number): number;
  getrlimit(resource: number): ResourceLimitValues;
  setrlimit(resource: number, limits: ResourceLimitValues): void;
  /** keyctl(KEYCTL_JOIN_SESSION_KEYRING); `null` makes a new anonymous keyring. Returns its serial. */
  joinSessionKeyring(name: string | null): number;
  /** seccomp(SECCOMP_SET_MODE_FILTER): `program` is an array of struct sock_filter. */
  seccompSetModeFilter(program: Buffer, flags: number): void;
  /**
   * bpf(BPF_PROG_LOAD): `program` is an array of struct bpf_insn; returns the program's
   * fd. The verifier's log is written to `log` (its reason when the load fails).
   */
  bpfProgLoad(programType: number, program: Buffer, license: string, log: Buffer): number;
  /** bpf(BPF_PROG_ATTACH): attaches the program to `targetFd` (a cgroup directory). */
  bpfProgAttach(targetFd: number, programFd: number, attachType: number, flags: number): void;
}
