// Runs a compiled seccomp filter the way the kernel's classic BPF interpreter would, on
// a seccomp_data made up by the test: enough to check what a filter decides for any
// call without installing it. Knows only the instructions a seccomp filter may use.

export interface SeccompData {
  nr: number;
  arch?: number;
  args?: bigint[];
}

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;

function seccompDataBuffer({ nr, arch = AUDIT_ARCH_X86_64, args = [] }: SeccompData): Buffer {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(nr >>> 0, 0);
  data.writeUInt32LE(arch >>> 0, 4);
  args.forEach((arg, index) => {
    data.writeBigUInt64LE(BigInt.asUintN(64, arg), 16 + 8 * index);
  });
  return data;
}

/** The filter's SECCOMP_RET_* value for this call. */
export function runFilter(program: Buffer, call: SeccompData): number {
  const data = seccompDataBuffer(call);
  let accumulator = 0;
  let pc = 0;
  for (let steps = 0; steps < 100_000; steps++) {
    if (pc * 8 + 8 > program.length) throw new Error(`filter ran off its end at ${pc}`);
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    pc += 1;
    switch (code) {
      case 0x20: // ld [k]
        accumulator = data.readUInt32LE(k);
        break;
      case 0x54: // and #k
        accumulator = (accumulator & k) >>> 0;
        break;
      case 0x05: // ja +k
        pc += k;
        break;
      case 0x15: // jeq #k
        pc += accumulator === k ? jt : jf;
        break;
      case 0x25: // jgt #k
        pc += accumulator > k ? jt : jf;
        break;
      case 0x35: // jge #k
        pc += accumulator >= k ? jt : jf;
        break;
      case 0x06: // ret #k
        return k;
      default:
        throw new Error(`instruction ${pc - 1}: opcode 0x${code.toString(16)} is not expected`);
    }
  }
  throw new Error('the filter does not terminate');
}
