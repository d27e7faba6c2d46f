import type { SeccompProfile, SeccompRule } from './seccomp-profile.js';

// The default profile, in the spirit of Docker's (moby/profiles/seccomp/default.json):
// everything not allowed here fails with EPERM. Written in Docker's format, so it is
// compiled by the same code as a user's profile, and serializes to a file Docker reads.
//
// Refused whatever the capabilities, because they reach the host kernel's shared state
// or widen its attack surface: keyctl, add_key, request_key (the kernel keyring is not
// namespaced), userfaultfd (stalls the kernel at will, a staple of exploits), io_uring_*
// (a second system call interface, beyond this filter), kexec_*, bpf and perf_event_open
// without their capabilities, unshare/setns/mount and clone with namespace flags (new
// namespaces are where most container escapes start), and every 32-bit or x32 call.

/** Calls a process needs that touch only what it owns, allowed unconditionally. */
const allowed = [
  // files and directories
  ...['access', 'chdir', 'chmod', 'chown', 'close', 'close_range', 'copy_file_range', 'creat'],
  ...['dup', 'dup2', 'dup3', 'faccessat', 'faccessat2', 'fadvise64', 'fallocate', 'fchdir'],
  ...['fchmod', 'fchmodat', 'fchmodat2', 'fchown', 'fchownat', 'fcntl', 'fdatasync', 'flock'],
  ...['fstat', 'fstatfs', 'fsync', 'ftruncate', 'futimesat', 'getcwd', 'getdents', 'getdents64'],
  ...['lchown', 'link', 'linkat', 'lseek', 'lstat', 'mkdir', 'mkdirat', 'mknod', 'mknodat'],
  ...['name_to_handle_at', 'newfstatat', 'open', 'openat', 'openat2', 'pread64', 'preadv'],
  ...['preadv2', 'pwrite64', 'pwritev', 'pwritev2', 'read', 'readahead', 'readlink'],
  ...['readlinkat', 'readv', 'rename', 'renameat', 'renameat2', 'rmdir', 'sendfile', 'splice'],
  ...['stat', 'statfs', 'statx', 'symlink', 'symlinkat', 'sync', 'sync_file_range', 'syncfs'],
  ...['tee', 'truncate', 'umask', 'unlink', 'unlinkat', 'utime', 'utimensat', 'utimes'],
  ...['vmsplice', 'write', 'writev', 'cachestat', 'statmount', 'listmount'],
  // extended attributes
  ...['fgetxattr', 'flistxattr', 'fremovexattr', 'fsetxattr', 'getxattr', 'getxattrat'],
  ...['lgetxattr', 'listxattr', 'listxattrat', 'llistxattr', 'lremovexattr', 'lsetxattr'],
  ...['removexattr', 'removexattrat', 'setxattr', 'setxattrat'],
  // waiting for events
  ...['epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_pwait'],
  ...['epoll_pwait2', 'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'fanotify_mark'],
  ...['inotify_add_watch', 'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'pipe', 'pipe2'],
  ...['poll', 'ppoll', 'pselect6', 'select', 'signalfd', 'signalfd4', 'timerfd_create'],
  ...['timerfd_gettime', 'timerfd_settime'],
  // asynchronous I/O (the old AIO interface; io_uring stays refused)
  ...['io_cancel', 'io_destroy', 'io_getevents', 'io_pgetevents', 'io_setup', 'io_submit'],
  // memory
  ...['brk', 'madvise', 'map_shadow_stack', 'membarrier', 'memfd_create', 'memfd_secret'],
  ...['mincore', 'mlock', 'mlock2', 'mlockall', 'mmap', 'mprotect', 'mremap', 'mseal', 'msync'],
  ...['munlock', 'munlockall', 'munmap', 'pkey_alloc', 'pkey_free', 'pkey_mprotect'],
  ...['remap_file_pages'],
  // processes and threads (clone is below: only without namespace flags)
  ...['arch_prctl', 'capget', 'capset', 'execve', 'execveat', 'exit', 'exit_group', 'fork'],
  ...['get_robust_list', 'getcpu', 'getpgid', 'getpgrp', 'getpid', 'getppid', 'getpriority'],
  ...['getrlimit', 'getrusage', 'getsid', 'gettid', 'ioprio_get', 'ioprio_set', 'kill'],
  ...['landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'modify_ldt'],
  ...[
    'pidfd_open',
    'pidfd_send_signal',
    'prctl',
    'prlimit64',
    'process_mrelease',
    'restart_syscall',
  ],
  ...['rseq', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_getaffinity'],
  ...['sched_getattr', 'sched_getparam', 'sched_getscheduler', 'sched_rr_get_interval'],
  ...['sched_setaffinity', 'sched_setattr', 'sched_setparam', 'sched_setscheduler'],
  ...['sched_yield', 'seccomp', 'set_robust_list', 'set_tid_address', 'setpgid', 'setpriority'],
  ...['setrlimit', 'setsid', 'sysinfo', 'tgkill', 'times', 'tkill', 'uname', 'uretprobe'],
  ...['vfork', 'wait4', 'waitid'],
  // ptrace is safe with seccomp since Linux 4.8, below what the engine needs (openat2: 5.6)
  ...['ptrace', 'process_vm_readv', 'process_vm_writev'],
  // credentials (what a process may change is up to its capabilities)
  ...['getegid', 'geteuid', 'getgid', 'getgroups', 'getresgid', 'getresuid', 'getuid'],
  ...['setfsgid', 'setfsuid', 'setgid', 'setgroups', 'setregid', 'setresgid', 'setresuid'],
  ...['setreuid', 'setuid'],
  // signals and time
  ...['alarm', 'getitimer', 'pause', 'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask'],
  ...['rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_tgsigqueueinfo'],
  ...['setitimer', 'sigaltstack', 'adjtimex', 'clock_adjtime', 'clock_getres', 'clock_gettime'],
  ...['clock_nanosleep', 'gettimeofday', 'nanosleep', 'time', 'timer_create', 'timer_delete'],
  ...['timer_getoverrun', 'timer_gettime', 'timer_settime'],
  // synchronization and System V / POSIX IPC (the IPC namespace is the container's)
  ...['futex', 'futex_requeue', 'futex_wait', 'futex_waitv', 'futex_wake', 'mq_getsetattr'],
  ...['mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedsend', 'mq_unlink', 'msgctl'],
  ...['msgget', 'msgrcv', 'msgsnd', 'semctl', 'semget', 'semop', 'semtimedop', 'shmat'],
  ...['shmctl', 'shmdt', 'shmget'],
  // sockets (socket itself is below: only some address families)
  ...['accept', 'accept4', 'bind', 'connect', 'getpeername', 'getsockname', 'getsockopt'],
  ...['listen', 'recvfrom', 'recvmmsg', 'recvmsg', 'sendmmsg', 'sendmsg', 'sendto'],
  ...['setsockopt', 'shutdown', 'socketpair'],
  // the rest
  ...['getrandom', 'ioctl'],
];

/**
 * Address families a container may open sockets in: all but the obsolete or rarely used
 * ones whose kernel code has held exploitable bugs (DECnet 12, Econet 19, ATM SVC 20,
 * IrDA 23, WANPIPE 25, ISDN 34, CAIF 37, ALG 38, MCTP 46 and newer) and VSOCK (40), which
 * talks to the hypervisor. Tested with LT and EQ only: an int argument with garbage in
 * its high half then matches nothing, where NE would let it through.
 */
const socketFamilies = [
  13, 14, 15, 16, 17, 18, 21, 22, 24, 26, 27, 28, 29, 30, 31, 32, 33, 35, 36, 39, 41, 42, 43, 44,
  45,
];

/** personality(2) values that only query, or select Linux or its 32-bit variant. */
const personalities = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET. */
const namespaceFlags = 0x7e020000;

const allow = (names: string[], rule: Partial<SeccompRule> = {}): SeccompRule => ({
  names,
  action: 'SCMP_ACT_ALLOW',
  ...rule,
});
const withCapability = (cap: string, names: string[]) =>
  allow(names, { includes: { caps: [cap] } });

export const defaultSeccompProfile: SeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1,
  architectures: ['SCMP_ARCH_X86_64'],
  syscalls: [
    allow(allowed),
    allow(['socket'], { args: [{ index: 0, value: 12, op: 'SCMP_CMP_LT' }] }),
    ...socketFamilies.map((family) =>
      allow(['socket'], { args: [{ index: 0, value: family, op: 'SCMP_CMP_EQ' }] }),
    ),
    ...personalities.map((persona) =>
      allow(['personality'], { args: [{ index: 0, value: persona, op: 'SCMP_CMP_EQ' }] }),
    ),
    allow(['clone'], {
      args: [{ index: 0, value: namespaceFlags, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
      excludes: { caps: ['CAP_SYS_ADMIN'] },
      comment: 'threads and processes, never new namespaces',
    }),
    {
      names: ['clone3'],
      action: 'SCMP_ACT_ERRNO',
      errnoRet: 38,
      excludes: { caps: ['CAP_SYS_ADMIN'] },
      comment:
        "ENOSYS: its flags are behind a pointer, out of the filter's sight; libc falls back to clone",
    },
    // What only a capability makes useful: allowed when the container holds it. The
    // default set holds CAP_SYS_CHROOT only; CAP_SYS_ADMIN and the others come with --cap-add.
    withCapability('CAP_DAC_READ_SEARCH', ['open_by_handle_at']),
    withCapability('CAP_SYS_ADMIN', [
      ...['bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick'],
      ...['lookup_dcookie', 'lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr'],
      ...['mount', 'mount_setattr', 'move_mount', 'open_tree', 'perf_event_open', 'quotactl'],
      ...['quotactl_fd', 'setdomainname', 'sethostname', 'setns', 'syslog', 'umount2', 'unshare'],
    ]),
    withCapability('CAP_SYS_BOOT', ['reboot']),
    withCapability('CAP_SYS_CHROOT', ['chroot']),
    withCapability('CAP_SYS_MODULE', ['delete_module', 'init_module', 'finit_module']),
    withCapability('CAP_SYS_PACCT', ['acct']),
    withCapability('CAP_SYS_PTRACE', ['kcmp', 'pidfd_getfd', 'process_madvise']),
    withCapability('CAP_SYS_RAWIO', ['iopl', 'ioperm']),
    withCapability('CAP_SYS_TIME', ['settimeofday', 'clock_settime']),
    withCapability('CAP_SYS_TTY_CONFIG', ['vhangup']),
    withCapability('CAP_SYS_NICE', [
      ...['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node'],
    ]),
    withCapability('CAP_SYSLOG', ['syslog']),
    withCapability('CAP_BPF', ['bpf']),
    withCapability('CAP_PERFMON', ['perf_event_open']),
  ],
};
