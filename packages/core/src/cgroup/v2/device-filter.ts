import {
  BPF_CGROUP_DEVICE,
  BPF_F_ALLOW_MULTI,
  BPF_PROG_TYPE_CGROUP_DEVICE,
  O_CLOEXEC,
  O_DIRECTORY,
  O_RDONLY,
} from '../../libc/constants.js';
import type { Libc } from '../../libc/libc.js';
import type { DeviceRule } from '../device-rules.js';

// cgroup v2 has no devices file: the kernel runs a BPF_PROG_TYPE_CGROUP_DEVICE program on
// every open(2) and mknod(2) of a device node and allows the call if it returns 1. Its
// context is struct bpf_cgroup_dev_ctx (linux/bpf.h): u32 access_type (access << 16 |
// type), u32 major, u32 minor.
const DEV_BLOCK = 1;
const DEV_CHAR = 2;
const ACCESS_BITS: Record<string, number> = { m: 1, r: 2, w: 4 };

// eBPF opcodes (linux/bpf_common.h, linux/bpf.h) and the registers the program uses.
const LDX_MEM_W = 0x61; // dst = *(u32 *)(src + off)
const MOV64_REG = 0xbf; // dst = src
const MOV64_IMM = 0xb7; // dst = imm
const AND64_IMM = 0x57; // dst &= imm
const RSH64_IMM = 0x77; // dst >>= imm
const JNE_IMM = 0x55; // if dst != imm: skip off instructions
const JNE_REG = 0x5d; // if dst != src: skip off instructions
const EXIT = 0x95; // return r0
const [R0, R1, R2, R3, R4, R5, R6] = [0, 1, 2, 3, 4, 5, 6];

interface Instruction {
  code: number;
  dst?: number;
  src?: number;
  off?: number;
  imm?: number;
}

/**
 * The rules as an eBPF program: load the request into registers, then one block per rule
 * that returns 1 when every field matches and otherwise jumps to the next block; 0 (deny)
 * when no rule matched. A rule matches when it allows every access the call asks for.
 */
export function compileDeviceFilter(rules: readonly DeviceRule[]): Buffer {
  const program: Instruction[] = [
    { code: LDX_MEM_W, dst: R2, src: R1, off: 0 },
    { code: MOV64_REG, dst: R3, src: R2 },
    { code: AND64_IMM, dst: R3, imm: 0xffff }, // r3: the device type
    { code: MOV64_REG, dst: R4, src: R2 },
    { code: RSH64_IMM, dst: R4, imm: 16 }, // r4: the access asked for
    { code: LDX_MEM_W, dst: R5, src: R1, off: 4 }, // r5: major
    { code: LDX_MEM_W, dst: R6, src: R1, off: 8 }, // r6: minor
  ];
  for (const rule of rules) program.push(...ruleBlock(rule));
  program.push({ code: MOV64_IMM, dst: R0, imm: 0 }, { code: EXIT });
  return encode(program);
}

function ruleBlock(rule: DeviceRule): Instruction[] {
  const checks: Instruction[][] = [];
  if (rule.type !== 'a') {
    checks.push([{ code: JNE_IMM, dst: R3, imm: rule.type === 'c' ? DEV_CHAR : DEV_BLOCK }]);
  }
  const allowed = [...rule.access].reduce((bits, letter) => bits | (ACCESS_BITS[letter] ?? 0), 0);
  if (allowed !== 0b111) {
    // (asked & allowed) == asked: r2 is free once the type and access are split out.
    checks.push([
      { code: MOV64_REG, dst: R2, src: R4 },
      { code: AND64_IMM, dst: R2, imm: allowed },
      { code: JNE_REG, dst: R2, src: R4 },
    ]);
  }
  if (rule.major !== null) checks.push([{ code: JNE_IMM, dst: R5, imm: rule.major }]);
  if (rule.minor !== null) checks.push([{ code: JNE_IMM, dst: R6, imm: rule.minor }]);
  const block = checks.flat();
  block.push({ code: MOV64_IMM, dst: R0, imm: 1 }, { code: EXIT });
  // Every jump leaves the block: it skips what follows it in the block.
  return block.map((instruction, index) =>
    instruction.code === JNE_IMM || instruction.code === JNE_REG
      ? { ...instruction, off: block.length - index - 1 }
      : instruction,
  );
}

/** struct bpf_insn: u8 code, u8 dst_reg:4 src_reg:4, s16 off, s32 imm. */
function encode(program: readonly Instruction[]): Buffer {
  const buffer = Buffer.alloc(program.length * 8);
  program.forEach(({ code, dst = 0, src = 0, off = 0, imm = 0 }, index) => {
    buffer.writeUInt8(code, index * 8);
    buffer.writeUInt8((src << 4) | dst, index * 8 + 1);
    buffer.writeInt16LE(off, index * 8 + 2);
    buffer.writeInt32LE(imm, index * 8 + 4);
  });
  return buffer;
}

/**
 * Loads the program and attaches it to the cgroup. The attachment holds the program, so
 * both fds are closed after; the kernel detaches it when the cgroup is removed.
 */
export function attachDeviceFilter(libc: Libc, cgroupDir: string, rules: readonly DeviceRule[]) {
  const log = Buffer.alloc(64 * 1024);
  const dirFd = libc.open(cgroupDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  try {
    let programFd: number;
    try {
      programFd = libc.bpfProgLoad(
        BPF_PROG_TYPE_CGROUP_DEVICE,
        compileDeviceFilter(rules),
        'Apache-2.0',
        log,
      );
    } catch (error) {
      const verifier = log.toString('utf8').replace(/\0.*$/s, '').trim();
      if (verifier && error instanceof Error) error.message += `; the verifier said: ${verifier}`;
      throw error;
    }
    try {
      libc.bpfProgAttach(dirFd, programFd, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI);
    } finally {
      libc.close(programFd);
    }
  } finally {
    libc.close(dirFd);
  }
}
