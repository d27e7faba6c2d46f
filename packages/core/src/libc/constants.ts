// Linux x86_64 constants the engine uses, named as in the kernel headers.

export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;
export const CLONE_FS = 0x00000200;

export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
export const MS_PRIVATE = 0x40000;
export const MS_SLAVE = 0x80000;
export const MS_STRICTATIME = 0x1000000;

export const MNT_DETACH = 0x2;

export const O_RDONLY = 0x0;
export const O_WRONLY = 0x1;
export const O_RDWR = 0x2;
export const O_CREAT = 0x40;
export const O_APPEND = 0x400;
export const O_EXCL = 0x80;
export const O_NOCTTY = 0x100;
export const O_NONBLOCK = 0x800;
export const O_DIRECTORY = 0x10000;
export const O_NOFOLLOW = 0x20000;
export const O_CLOEXEC = 0x80000;
export const O_PATH = 0x200000;

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_EMPTY_PATH = 0x1000;
export const AT_RECURSIVE = 0x8000;

// mount_setattr(2) (linux/mount.h): struct mount_attr's size and its attribute bits.
export const MOUNT_ATTR_SIZE_VER0 = 32;
export const MOUNT_ATTR_RDONLY = 0x1;

// openat2(2) resolve flags.
export const RESOLVE_NO_XDEV = 0x01;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

export const F_GETFD = 1;
export const F_SETFD = 2;
/** fcntl(2): resize a pipe's buffer (bytes; rounded up to a power of two pages). */
export const F_SETPIPE_SZ = 1031;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const FD_CLOEXEC = 1;
export const F_DUPFD_CLOEXEC = 1030;

export const CLOSE_RANGE_CLOEXEC = 1 << 2;

// flock(2) operations.
export const LOCK_EX = 2;
export const LOCK_NB = 4;

export const PR_SET_NO_NEW_PRIVS = 38;
export const PR_CAPBSET_DROP = 24;
export const PR_CAP_AMBIENT = 47;
export const PR_CAP_AMBIENT_CLEAR_ALL = 4;
export const PR_SET_PDEATHSIG = 1;
export const PR_SET_DUMPABLE = 4;

export const SIGKILL = 9;
export const SIGTERM = 15;
export const SIG_SETMASK = 2;

export const SYS_pivot_root = 155;
export const SYS_openat2 = 437;
export const SYS_pidfd_open = 434;
export const SYS_pidfd_getfd = 438;
export const SYS_pidfd_send_signal = 424;
export const SYS_keyctl = 250;
export const SYS_seccomp = 317;
export const SYS_bpf = 321;
export const SYS_mount_setattr = 442;

export const KEYCTL_JOIN_SESSION_KEYRING = 1;
export const SECCOMP_SET_MODE_FILTER = 1;
export const RLIMIT_NOFILE = 7;
export const POLLHUP = 0x10;
export const POLLERR = 0x8;

export const AF_INET = 2;
export const SOCK_DGRAM = 2;
export const SIOCGIFFLAGS = 0x8913;
export const SIOCSIFFLAGS = 0x8914;
export const IFF_UP = 0x1;
// netdevice(7) and route(4): an interface's address, netmask and MTU, and the routing table.
export const SIOCSIFADDR = 0x8916;
export const SIOCSIFNETMASK = 0x891c;
export const SIOCGIFMTU = 0x8921;
export const SIOCGIFINDEX = 0x8933;
export const SIOCADDRT = 0x890b;
export const RTF_UP = 0x1;
export const RTF_GATEWAY = 0x2;
// netlink(7) and rtnetlink(7): the kernel's own interface for links, and its messages.
export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0x80000;
export const NETLINK_ROUTE = 0;

// ioctl(2_tty) and pts(4): unlock a PTY master, read its number, size it, take it as the
// controlling terminal.
export const TIOCSPTLCK = 0x40045431;
export const TIOCGPTN = 0x80045430;
export const TIOCSWINSZ = 0x5414;
export const TIOCSCTTY = 0x540e;
/** _IO('T', 0x41): open the slave of this master, without looking up a path (Linux 4.13). */
export const TIOCGPTPEER = 0x5441;

// bpf(2) (linux/bpf.h): a cgroup device program, loaded and attached to a cgroup.
export const BPF_PROG_LOAD = 5;
export const BPF_PROG_ATTACH = 8;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
export const BPF_F_ALLOW_MULTI = 2;
