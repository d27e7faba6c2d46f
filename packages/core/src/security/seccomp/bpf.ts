// Classic BPF, the instruction set seccomp filters are written in (linux/filter.h,
// linux/bpf_common.h). Only what a seccomp filter needs: load a 32-bit word of
// seccomp_data, compare it with a constant, mask it, jump, return.

export interface Instruction {
  code: number;
  /** Jump offsets, counted in instructions after this one; 0..255. */
  jt: number;
  jf: number;
  k: number;
}

const BPF_LD = 0x00;
const BPF_ALU = 0x04;
const BPF_JMP = 0x05;
const BPF_RET = 0x06;
const BPF_W = 0x00;
const BPF_ABS = 0x20;
const BPF_AND = 0x50;
const BPF_JA = 0x00;
const BPF_K = 0x00;

export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;

/** bpf_check_classic(): a filter holds at most BPF_MAXINSNS instructions. */
export const BPF_MAXINSNS = 4096;

/** A = the 32-bit word at `offset` of seccomp_data. */
export const loadWord = (offset: number): Instruction => ({
  code: BPF_LD | BPF_W | BPF_ABS,
  jt: 0,
  jf: 0,
  k: offset,
});

/** A &= mask. */
export const andWith = (mask: number): Instruction => ({
  code: BPF_ALU | BPF_AND | BPF_K,
  jt: 0,
  jf: 0,
  k: mask >>> 0,
});

/** Compares A with `k` (unsigned) and skips `jt` or `jf` instructions. */
export const jumpIf = (
  test: typeof BPF_JEQ | typeof BPF_JGT | typeof BPF_JGE,
  k: number,
  jt: number,
  jf: number,
): Instruction => ({ code: BPF_JMP | test | BPF_K, jt, jf, k: k >>> 0 });

/** Skips `offset` instructions; unlike a conditional jump, the offset is 32-bit. */
export const jumpAlways = (offset: number): Instruction => ({
  code: BPF_JMP | BPF_JA,
  jt: 0,
  jf: 0,
  k: offset,
});

/** Ends the filter with a SECCOMP_RET_* value. */
export const returnAction = (action: number): Instruction => ({
  code: BPF_RET | BPF_K,
  jt: 0,
  jf: 0,
  k: action >>> 0,
});

/** struct sock_filter[]: u16 code, u8 jt, u8 jf, u32 k, little-endian (x86_64). */
export function encodeProgram(program: readonly Instruction[]): Buffer {
  const buffer = Buffer.alloc(program.length * 8);
  program.forEach(({ code, jt, jf, k }, index) => {
    if (jt > 255 || jf > 255) {
      throw new Error(`BPF instruction ${index}: jump offset ${Math.max(jt, jf)} exceeds 255`);
    }
    buffer.writeUInt16LE(code, index * 8);
    buffer.writeUInt8(jt, index * 8 + 2);
    buffer.writeUInt8(jf, index * 8 + 3);
    buffer.writeUInt32LE(k, index * 8 + 4);
  });
  return buffer;
}
