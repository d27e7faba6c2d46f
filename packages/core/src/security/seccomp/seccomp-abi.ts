// What the kernel defines for seccomp filters (linux/seccomp.h, linux/audit.h): the
// layout of the data a filter reads, and the values it returns.

/** struct seccomp_data: int nr, u32 arch, u64 instruction_pointer, u64 args[6]. */
export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
/** The low and high 32-bit halves of argument `index`, little-endian. */
export const argLowOffset = (index: number) => 16 + 8 * index;
export const argHighOffset = (index: number) => 20 + 8 * index;

/** EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
/** x32 calls share AUDIT_ARCH_X86_64 and set this bit in the number. */
export const X32_SYSCALL_BIT = 0x40000000;

export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_DATA = 0x0000ffff;

export const SECCOMP_FILTER_FLAG_LOG = 1 << 1;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 1 << 2;

/** A return value with data (the errno for ERRNO, the message for TRACE). */
export const withData = (action: number, data: number) =>
  (action | (data & SECCOMP_RET_DATA)) >>> 0;

export const EPERM = 1;
export const ENOSYS = 38;
