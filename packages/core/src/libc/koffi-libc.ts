import koffi from 'koffi';
import {
  BPF_PROG_ATTACH,
  BPF_PROG_LOAD,
  KEYCTL_JOIN_SESSION_KEYRING,
  MOUNT_ATTR_SIZE_VER0,
  SECCOMP_SET_MODE_FILTER,
  SIG_SETMASK,
  SYS_bpf,
  SYS_keyctl,
  SYS_mount_setattr,
  SYS_openat2,
  SYS_pidfd_getfd,
  SYS_pidfd_open,
  SYS_pidfd_send_signal,
  SYS_pivot_root,
  SYS_seccomp,
} from './constants.js';
import type { Libc } from './libc.js';
import { SyscallError } from './syscall-error.js';

// The only file that touches koffi: every binding is typed here and nowhere else.
const lib = koffi.load('libc.so.6');

const c = {
  unshare: lib.func('int unshare(int flags)'),
  setns: lib.func('int setns(int fd, int nstype)'),
  mount: lib.func(
    'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
  ),
  umount2: lib.func('int umount2(const char *target, int flags)'),
  chdir: lib.func('int chdir(const char *path)'),
  fchdir: lib.func('int fchdir(int fd)'),
  getcwd: lib.func('char *getcwd(_Out_ uint8_t *buf, size_t size)'),
  open: lib.func('int open(const char *path, int flags, ...)'),
  close: lib.func('int close(int fd)'),
  dup3: lib.func('int dup3(int oldfd, int newfd, int flags)'),
  mkdirat: lib.func('int mkdirat(int dirfd, const char *path, uint32_t mode)'),
  mknodat: lib.func('int mknodat(int dirfd, const char *path, uint32_t mode, uint64_t dev)'),
  symlinkat: lib.func('int symlinkat(const char *target, int dirfd, const char *linkpath)'),
  fchmod: lib.func('int fchmod(int fd, uint32_t mode)'),
  setxattr: lib.func(
    'int setxattr(const char *path, const char *name, const void *value, size_t size, int flags)',
  ),
  syncfs: lib.func('int syncfs(int fd)'),
  flock: lib.func('int flock(int fd, int operation)'),
  sethostname: lib.func('int sethostname(const char *name, size_t len)'),
  setgroups: lib.func('int setgroups(size_t size, const uint32_t *list)'),
  setresgid: lib.func('int setresgid(uint32_t r, uint32_t e, uint32_t s)'),
  setresuid: lib.func('int setresuid(uint32_t r, uint32_t e, uint32_t s)'),
  capset: lib.func('int capset(void *header, void *data)'),
  prctl: lib.func('int prctl(int option, ...)'),
  fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
  closeRange: lib.func('int close_range(uint32_t first, uint32_t last, int flags)'),
  umask: lib.func('uint32_t umask(uint32_t mask)'),
  execve: lib.func('int execve(const char *path, const char **argv, const char **envp)'),
  geteuid: lib.func('uint32_t geteuid()'),
  kill: lib.func('int kill(int pid, int sig)'),
  signal: lib.func('void *signal(int sig, void *handler)'),
  sigprocmask: lib.func('int sigprocmask(int how, void *set, void *oldset)'),
  socket: lib.func('int socket(int domain, int type, int protocol)'),
  send: lib.func('long send(int fd, const void *buf, size_t len, int flags)'),
  recv: lib.func('long recv(int fd, void *buf, size_t len, int flags)'),
  ioctl: lib.func('int ioctl(int fd, unsigned long request, ...)'),
  strerror: lib.func('const char *strerror(int errnum)'),
  syscall: lib.func('long syscall(long number, ...)'),
  poll: lib.func('int poll(void *fds, unsigned long nfds, int timeout)'),
  getrlimit: lib.func('int getrlimit(int resource, void *rlim)'),
  setrlimit: lib.func('int setrlimit(int resource, void *rlim)'),
};

// struct sock_fprog (linux/filter.h): the length, then a pointer to the instructions.
const sockFprog = koffi.struct('sock_fprog', { len: 'uint16_t', filter: 'void *' });

// union bpf_attr's BPF_PROG_LOAD part (linux/bpf.h), up to expected_attach_type; the
// kernel takes the size passed and needs nothing past it.
const bpfProgLoadAttr = koffi.struct('bpf_prog_load_attr', {
  prog_type: 'uint32_t',
  insn_cnt: 'uint32_t',
  insns: 'void *',
  license: 'const char *',
  log_level: 'uint32_t',
  log_size: 'uint32_t',
  log_buf: 'void *',
  kern_version: 'uint32_t',
  prog_flags: 'uint32_t',
  prog_name: koffi.array('char', 16),
  prog_ifindex: 'uint32_t',
  expected_attach_type: 'uint32_t',
});

function fail(call: string, detail: string): never {
  const errno = koffi.errno();
  throw new SyscallError(call, detail, errno, c.strerror(errno) as string);
}

function check(result: number | bigint, call: string, detail: string): number {
  if (Number(result) < 0) fail(call, detail);
  return Number(result);
}

const q = (s: string | null) => (s === null ? 'NULL' : JSON.stringify(s));
const hex = (n: number) => `0x${n.toString(16)}`;

export const koffiLibc: Libc = {
  unshare(flags) {
    check(c.unshare(flags), 'unshare', hex(flags));
  },
  setns(fd, nstype, what) {
    check(c.setns(fd, nstype), 'setns', `${q(what)}, ${hex(nstype)}`);
  },
  mount(source, target, fstype, flags, data) {
    check(
      c.mount(source, target, fstype, flags, data),
      'mount',
      `${q(target)}, ${fstype ?? q(source)}`,
    );
  },
  umount2(target, flags) {
    check(c.umount2(target, flags), 'umount2', q(target));
  },
  mountSetattr(dirfd, path, flags, attributes, what) {
    const attr = Buffer.alloc(MOUNT_ATTR_SIZE_VER0);
    attr.writeBigUInt64LE(BigInt(attributes.attrSet), 0);
    attr.writeBigUInt64LE(BigInt(attributes.attrClr), 8);
    attr.writeBigUInt64LE(BigInt(attributes.propagation), 16);
    attr.writeBigUInt64LE(BigInt(attributes.usernsFd), 24);
    check(
      c.syscall(
        SYS_mount_setattr,
        'int',
        dirfd,
        'const char *',
        path,
        'unsigned int',
        flags,
        'void *',
        attr,
        'size_t',
        attr.length,
      ),
      'mount_setattr',
      `${q(what)}, ${hex(flags)}, set ${hex(attributes.attrSet)}, clear ${hex(attributes.attrClr)}`,
    );
  },
  pivotRoot(newRoot, putOld) {
    check(
      c.syscall(SYS_pivot_root, 'const char *', newRoot, 'const char *', putOld),
      'pivot_root',
      `${q(newRoot)}, ${q(putOld)}`,
    );
  },
  chdir(path) {
    check(c.chdir(path), 'chdir', q(path));
  },
  fchdir(fd, what) {
    check(c.fchdir(fd), 'fchdir', q(what));
  },
  getcwd() {
    const buffer = Buffer.alloc(4096); // PATH_MAX
    if (c.getcwd(buffer, buffer.length) === null) fail('getcwd', '');
    return buffer.toString('utf8', 0, buffer.indexOf(0));
  },
  open(path, flags, mode = 0) {
    return check(c.open(path, flags, 'uint32_t', mode), 'open', q(path));
  },
  openat2(dirfd, path, how, what) {
    const buffer = Buffer.alloc(24);
    buffer.writeBigUInt64LE(BigInt(how.flags), 0);
    buffer.writeBigUInt64LE(BigInt(how.mode ?? 0), 8);
    buffer.writeBigUInt64LE(BigInt(how.resolve), 16);
    return check(
      c.syscall(SYS_openat2, 'int', dirfd, 'const char *', path, 'void *', buffer, 'size_t', 24),
      'openat2',
      q(what),
    );
  },
  close(fd) {
    check(c.close(fd), 'close', String(fd));
  },
  mkdirat(dirfd, path, mode, what) {
    check(c.mkdirat(dirfd, path, mode), 'mkdirat', q(what));
  },
  mknodat(dirfd, path, mode, dev, what) {
    check(c.mknodat(dirfd, path, mode, dev), 'mknodat', q(what));
  },
  symlinkat(target, dirfd, linkPath, what) {
    check(c.symlinkat(target, dirfd, linkPath), 'symlinkat', `${q(target)}, ${q(what)}`);
  },
  fchmod(fd, mode, what) {
    check(c.fchmod(fd, mode), 'fchmod', `${q(what)}, 0${mode.toString(8)}`);
  },
  setxattr(path, name, value, flags) {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    check(c.setxattr(path, name, bytes, bytes.length, flags), 'setxattr', `${q(path)}, ${q(name)}`);
  },
  syncfs(fd, what) {
    check(c.syncfs(fd), 'syncfs', q(what));
  },
  flock(fd, operation, what) {
    check(c.flock(fd, operation), 'flock', `${q(what)}, ${operation}`);
  },
  sethostname(name) {
    check(c.sethostname(name, Buffer.byteLength(name)), 'sethostname', q(name));
  },
  setgroups(gids) {
    check(c.setgroups(gids.length, gids.length ? gids : null), 'setgroups', gids.join(','));
  },
  setresgid(gid) {
    check(c.setresgid(gid, gid, gid), 'setresgid', String(gid));
  },
  setresuid(uid) {
    check(c.setresuid(uid, uid, uid), 'setresuid', String(uid));
  },
  capset(sets) {
    // capset(2) with _LINUX_CAPABILITY_VERSION_3: two 32-bit halves per set.
    const header = Buffer.alloc(8);
    header.writeUInt32LE(0x20080522, 0);
    const data = Buffer.alloc(24);
    const halves = (value: bigint) => [Number(value & 0xffffffffn), Number(value >> 32n)];
    for (const [index, offset] of [
      [0, 0],
      [1, 12],
    ] as const) {
      data.writeUInt32LE(halves(sets.effective)[index] ?? 0, offset);
      data.writeUInt32LE(halves(sets.permitted)[index] ?? 0, offset + 4);
      data.writeUInt32LE(halves(sets.inheritable)[index] ?? 0, offset + 8);
    }
    check(c.capset(header, data), 'capset', `effective=0x${sets.effective.toString(16)}`);
  },
  prctl(option, arg2, arg3 = 0) {
    return check(
      c.prctl(
        option,
        'unsigned long',
        arg2,
        'unsigned long',
        arg3,
        'unsigned long',
        0,
        'unsigned long',
        0,
      ),
      'prctl',
      `${option}, ${arg2}`,
    );
  },
  fcntl(fd, cmd, arg) {
    return check(c.fcntl(fd, cmd, 'int', arg), 'fcntl', `${fd}, ${cmd}`);
  },
  dup3(oldfd, newfd, flags) {
    check(c.dup3(oldfd, newfd, flags), 'dup3', `${oldfd}, ${newfd}`);
  },
  closeRange(first, last, flags) {
    check(c.closeRange(first, last, flags), 'close_range', `${first}, ${last}`);
  },
  umask(mask) {
    return c.umask(mask) as number;
  },
  execve(path, argv, envp) {
    c.execve(path, [...argv, null], [...envp, null]);
    fail('execve', q(path));
  },
  geteuid() {
    return c.geteuid() as number;
  },
  kill(pid, signal) {
    check(c.kill(pid, signal), 'kill', `${pid}, ${signal}`);
  },
  pidfdOpen(pid) {
    return check(
      c.syscall(SYS_pidfd_open, 'int', pid, 'unsigned int', 0),
      'pidfd_open',
      String(pid),
    );
  },
  pidfdGetfd(pidfd, targetFd) {
    return check(
      c.syscall(SYS_pidfd_getfd, 'int', pidfd, 'int', targetFd, 'unsigned int', 0),
      'pidfd_getfd',
      `${pidfd}, ${targetFd}`,
    );
  },
  pidfdSendSignal(pidfd, signal) {
    check(
      c.syscall(
        SYS_pidfd_send_signal,
        'int',
        pidfd,
        'int',
        signal,
        'void *',
        null,
        'unsigned int',
        0,
      ),
      'pidfd_send_signal',
      `${pidfd}, ${signal}`,
    );
  },
  signalDefault(signal) {
    c.signal(signal, null);
  },
  unblockAllSignals() {
    // glibc's sigset_t is 128 bytes; an all-zero set is the empty set.
    check(c.sigprocmask(SIG_SETMASK, Buffer.alloc(128), null), 'sigprocmask', 'SIG_SETMASK');
  },
  socket(domain, type, protocol) {
    return check(c.socket(domain, type, protocol), 'socket', `${domain}, ${type}`);
  },
  send(fd, message, what) {
    return check(c.send(fd, message, message.length, 0), 'send', q(what));
  },
  recv(fd, buffer, what) {
    return check(c.recv(fd, buffer, buffer.length, 0), 'recv', q(what));
  },
  strerror(errno) {
    return c.strerror(errno) as string;
  },
  ioctl(fd, request, arg, what) {
    return check(c.ioctl(fd, request, 'void *', arg), 'ioctl', `${q(what)}, ${hex(request)}`);
  },
  ioctlInt(fd, request, arg, what) {
    return check(c.ioctl(fd, request, 'int', arg), 'ioctl', `${q(what)}, ${hex(request)}`);
  },
  poll(fd, events, timeoutMs) {
    // struct pollfd: int fd, short events, short revents.
    const pollfd = Buffer.alloc(8);
    pollfd.writeInt32LE(fd, 0);
    pollfd.writeInt16LE(events, 4);
    check(c.poll(pollfd, 1, timeoutMs), 'poll', String(fd));
    return pollfd.readUInt16LE(6);
  },
  getrlimit(resource) {
    const rlimit = Buffer.alloc(16);
    check(c.getrlimit(resource, rlimit), 'getrlimit', String(resource));
    return { soft: rlimit.readBigUInt64LE(0), hard: rlimit.readBigUInt64LE(8) };
  },
  setrlimit(resource, { soft, hard }) {
    const rlimit = Buffer.alloc(16);
    rlimit.writeBigUInt64LE(soft, 0);
    rlimit.writeBigUInt64LE(hard, 8);
    check(c.setrlimit(resource, rlimit), 'setrlimit', `${resource}, ${soft}, ${hard}`);
  },
  joinSessionKeyring(name) {
    return check(
      c.syscall(SYS_keyctl, 'int', KEYCTL_JOIN_SESSION_KEYRING, 'const char *', name),
      'keyctl',
      `KEYCTL_JOIN_SESSION_KEYRING, ${q(name)}`,
    );
  },
  seccompSetModeFilter(program, flags) {
    check(
      c.syscall(
        SYS_seccomp,
        'unsigned int',
        SECCOMP_SET_MODE_FILTER,
        'unsigned int',
        flags,
        koffi.pointer(sockFprog),
        { len: program.length / 8, filter: program },
      ),
      'seccomp',
      `SECCOMP_SET_MODE_FILTER, ${hex(flags)}, ${program.length / 8} instructions`,
    );
  },
  bpfProgLoad(programType, program, license, log) {
    const attr = {
      prog_type: programType,
      insn_cnt: program.length / 8,
      insns: program,
      license,
      log_level: log.length > 0 ? 1 : 0,
      log_size: log.length,
      log_buf: log.length > 0 ? log : null,
      kern_version: 0,
      prog_flags: 0,
      prog_name: '',
      prog_ifindex: 0,
      expected_attach_type: 0,
    };
    return check(
      c.syscall(
        SYS_bpf,
        'int',
        BPF_PROG_LOAD,
        koffi.pointer(bpfProgLoadAttr),
        attr,
        'unsigned int',
        koffi.sizeof(bpfProgLoadAttr),
      ),
      'bpf',
      `BPF_PROG_LOAD, type ${programType}, ${program.length / 8} instructions`,
    );
  },
  bpfProgAttach(targetFd, programFd, attachType, flags) {
    // union bpf_attr's BPF_PROG_ATTACH part: target_fd, attach_bpf_fd, attach_type, attach_flags.
    const attr = Buffer.alloc(20);
    attr.writeUInt32LE(targetFd, 0);
    attr.writeUInt32LE(programFd, 4);
    attr.writeUInt32LE(attachType, 8);
    attr.writeUInt32LE(flags, 12);
    check(
      c.syscall(SYS_bpf, 'int', BPF_PROG_ATTACH, 'void *', attr, 'unsigned int', attr.length),
      'bpf',
      `BPF_PROG_ATTACH, target fd ${targetFd}, program fd ${programFd}, type ${attachType}`,
    );
  },
};
