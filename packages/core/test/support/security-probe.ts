// Static x86_64 programs, a few hundred bytes each, that make exactly one system call
// and report how it went in their exit status. busybox has no applet for most of the
// calls an attacker would try (keyctl, bpf, io_uring_setup, a raw clone), and a C
// compiler is not something the test machine should need: the machine code is written
// here, byte by byte.

/** How the call is made: the native ABI, its x32 variant, or the 32-bit `int 0x80`. */
export type ProbeAbi = 'x86_64' | 'x32' | 'i386';

export interface ProbeCall {
  nr: number;
  /** Numbers, or strings passed as pointers to NUL-terminated copies in the program. */
  args?: Array<number | bigint | string>;
  abi?: ProbeAbi;
  /**
   * `errno` (the default): exit 0 when the call succeeded, else its errno (EPERM is 1).
   * `value`: exit with the low byte of the result.
   */
  report?: 'errno' | 'value';
}

/** Exit statuses a test compares with. */
export const EPERM = 1;
export const ENOKEY = 126;

const loadAddress = 0x400000n;
const headerSize = 64 + 56;

const u64 = (value: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt.asUintN(64, value));
  return [...bytes];
};
const u32 = (value: bigint) => u64(value).slice(0, 4);

// mov <reg>, imm64 (REX.W B8+r) for the x86_64 argument registers, in order.
const movImm64 = [
  [0x48, 0xb8], // rax
  [0x48, 0xbf], // rdi
  [0x48, 0xbe], // rsi
  [0x48, 0xba], // rdx
  [0x49, 0xba], // r10
  [0x49, 0xb8], // r8
  [0x49, 0xb9], // r9
];
// mov <reg>, imm32 (B8+r) for the i386 ones: eax, ebx, ecx, edx, esi, edi, ebp.
const movImm32 = [[0xb8], [0xbb], [0xb9], [0xba], [0xbe], [0xbf], [0xbd]];

const SYSCALL = [0x0f, 0x05];
const INT_0X80 = [0xcd, 0x80];
const MOVSXD_RAX_EAX = [0x48, 0x63, 0xc0];
const X32_SYSCALL_BIT = 0x40000000;

/**
 * exit_group(rax < 0 ? -rax : 0): test rax,rax; jns +8; neg rax; mov rdi,rax; jmp +2;
 * xor edi,edi; mov eax,231; syscall.
 */
const EXIT_WITH_ERRNO = [
  ...[0x48, 0x85, 0xc0],
  ...[0x79, 0x08],
  ...[0x48, 0xf7, 0xd8],
  ...[0x48, 0x89, 0xc7],
  ...[0xeb, 0x02],
  ...[0x31, 0xff],
  ...[0xb8, 0xe7, 0x00, 0x00, 0x00],
  ...SYSCALL,
];
/** exit_group(rax): mov rdi,rax; mov eax,231; syscall. */
const EXIT_WITH_VALUE = [0x48, 0x89, 0xc7, 0xb8, 0xe7, 0x00, 0x00, 0x00, ...SYSCALL];

/** An ELF executable (ET_EXEC, one PT_LOAD at 0x400000) that makes `call` and exits. */
export function syscallProbe(call: ProbeCall): Buffer {
  const abi = call.abi ?? 'x86_64';
  const args = call.args ?? [];
  const nr = BigInt(abi === 'x32' ? call.nr | X32_SYSCALL_BIT : call.nr);
  const tail = call.report === 'value' ? EXIT_WITH_VALUE : EXIT_WITH_ERRNO;
  const codeSize =
    abi === 'i386'
      ? 5 * (1 + args.length) + INT_0X80.length + MOVSXD_RAX_EAX.length + tail.length
      : 10 * (1 + args.length) + SYSCALL.length + tail.length;

  // Strings go after the code; the code refers to them by absolute address.
  const strings: number[] = [];
  const values = args.map((arg) => {
    if (typeof arg !== 'string') return BigInt(arg);
    const address = loadAddress + BigInt(headerSize + codeSize + strings.length);
    strings.push(...Buffer.from(`${arg}\0`));
    return address;
  });

  const code: number[] = [];
  [nr, ...values].forEach((value, register) => {
    if (abi === 'i386') code.push(...(movImm32[register] ?? []), ...u32(value));
    else code.push(...(movImm64[register] ?? []), ...u64(value));
  });
  if (abi === 'i386') code.push(...INT_0X80, ...MOVSXD_RAX_EAX);
  else code.push(...SYSCALL);
  code.push(...tail);

  const fileSize = BigInt(headerSize + code.length + strings.length);
  const header = [
    ...[0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], // ELF64, LE, SysV
    ...[2, 0, 0x3e, 0, 1, 0, 0, 0], // ET_EXEC, EM_X86_64, EV_CURRENT
    ...u64(loadAddress + BigInt(headerSize)), // e_entry
    ...u64(64n), // e_phoff
    ...u64(0n), // e_shoff
    ...[0, 0, 0, 0, 64, 0, 56, 0, 1, 0, 64, 0, 0, 0, 0, 0], // flags, sizes, 1 phdr, no sections
  ];
  const programHeader = [
    ...[1, 0, 0, 0, 5, 0, 0, 0], // PT_LOAD, PF_R | PF_X
    ...u64(0n), // p_offset
    ...u64(loadAddress), // p_vaddr
    ...u64(loadAddress), // p_paddr
    ...u64(fileSize), // p_filesz
    ...u64(fileSize), // p_memsz
    ...u64(0x1000n), // p_align
  ];
  return Buffer.from([...header, ...programHeader, ...code, ...strings]);
}
