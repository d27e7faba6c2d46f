import {
  andWith,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_MAXINSNS,
  type Instruction,
  jumpAlways,
  jumpIf,
  loadWord,
  returnAction,
} from './bpf.js';
import type {
  Condition,
  ConditionalRule,
  SyscallDecision,
  SyscallPolicy,
} from './resolve-profile.js';
import {
  AUDIT_ARCH_X86_64,
  argHighOffset,
  argLowOffset,
  ENOSYS,
  EPERM,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_NR,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  withData,
  X32_SYSCALL_BIT,
} from './seccomp-abi.js';
import { highestKnownSyscall } from './syscalls-x86-64.js';

/**
 * Compiles a policy to a seccomp BPF program for x86_64:
 *
 * 1. Another architecture (a 32-bit `int 0x80`) kills the process: its numbers mean other
 *    calls, so no rule below could be applied to them (seccomp(2), "Caveats").
 * 2. An x32 call (bit 30 of the number) is refused with EPERM.
 * 3. The number is found by a binary search over ranges of numbers that share a decision,
 *    so a call costs about log2(ranges) comparisons, not one per rule. A number above
 *    the table gets ENOSYS when the default is an errno, so a libc newer than this table
 *    falls back to an older call (as runc does), instead of giving up on EPERM.
 * 4. Conditions on arguments compare 64-bit values as two 32-bit halves.
 */
export function compileFilter(policy: SyscallPolicy): Instruction[] {
  const program = [
    loadWord(SECCOMP_DATA_ARCH),
    jumpIf(BPF_JEQ, AUDIT_ARCH_X86_64, 1, 0),
    returnAction(SECCOMP_RET_KILL_PROCESS),
    loadWord(SECCOMP_DATA_NR),
    jumpIf(BPF_JGE, X32_SYSCALL_BIT, 0, 1),
    returnAction(withData(SECCOMP_RET_ERRNO, EPERM)),
    ...searchTree(decisionRanges(policy)),
  ];
  if (program.length > BPF_MAXINSNS) {
    throw new Error(`the seccomp filter has ${program.length} instructions, over ${BPF_MAXINSNS}`);
  }
  return program;
}

interface Range {
  first: number;
  decision: SyscallDecision;
  key: string;
}

const keyOf = (decision: SyscallDecision) =>
  JSON.stringify(decision, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value));

/** Consecutive numbers with the same decision, from 0 up to the last number before x32's. */
function decisionRanges(policy: SyscallPolicy): Range[] {
  const plain = (action: number): SyscallDecision => ({ rules: [], otherwise: action });
  const beyondTable =
    policy.defaultAction >>> 16 === SECCOMP_RET_ERRNO >>> 16
      ? plain(withData(SECCOMP_RET_ERRNO, ENOSYS))
      : plain(policy.defaultAction);
  const ranges: Range[] = [];
  const add = (first: number, decision: SyscallDecision) => {
    const key = keyOf(decision);
    if (ranges.at(-1)?.key !== key) ranges.push({ first, decision, key });
  };
  for (let nr = 0; nr <= highestKnownSyscall; nr++) {
    add(nr, policy.syscalls.get(nr) ?? plain(policy.defaultAction));
  }
  add(highestKnownSyscall + 1, beyondTable);
  return ranges;
}

/**
 * `A >= first of the right half ? right : left`. A conditional jump reaches only 255
 * instructions ahead, so it skips one unconditional jump (32-bit offset) instead.
 */
function searchTree(ranges: Range[]): Instruction[] {
  const [only] = ranges;
  if (ranges.length === 1 && only) return decisionCode(only.decision);
  const middle = Math.floor(ranges.length / 2);
  const left = searchTree(ranges.slice(0, middle));
  const right = searchTree(ranges.slice(middle));
  return [
    jumpIf(BPF_JGE, ranges[middle]?.first ?? 0, 0, 1),
    jumpAlways(left.length),
    ...left,
    ...right,
  ];
}

/** Each rule in turn: when its conditions hold, its action; after the last, `otherwise`. */
function decisionCode({ rules, otherwise }: SyscallDecision): Instruction[] {
  return [...rules.flatMap(ruleCode), returnAction(otherwise)];
}

/** A jump target inside a rule: the next condition, or past this rule (to the next one). */
type Target = 'pass' | 'fail' | 0;
interface Step {
  instruction: Instruction;
  jt?: Target;
  jf?: Target;
}

function ruleCode(rule: ConditionalRule): Instruction[] {
  const conditions = rule.conditions.map(conditionSteps);
  const total = conditions.reduce((sum, steps) => sum + steps.length, 0) + 1;
  const code: Instruction[] = [];
  for (const steps of conditions) {
    const start = code.length;
    const passAt = start + steps.length;
    steps.forEach((step, i) => {
      const here = start + i;
      const offset = (target: Target | undefined) =>
        target === 'pass' ? passAt - here - 1 : target === 'fail' ? total - here - 1 : 0;
      code.push({ ...step.instruction, jt: offset(step.jt), jf: offset(step.jf) });
    });
  }
  code.push(returnAction(rule.action));
  return code;
}

const halves = (value: bigint) => ({
  high: Number((value >> 32n) & 0xffffffffn),
  low: Number(value & 0xffffffffn),
});

const load = (offset: number): Step => ({ instruction: loadWord(offset) });
const test = (
  kind: typeof BPF_JEQ | typeof BPF_JGT | typeof BPF_JGE,
  k: number,
  jt: Target,
  jf: Target,
): Step => ({ instruction: jumpIf(kind, k, 0, 0), jt, jf });

/** One condition on a 64-bit argument: high halves decide unless they are equal. */
function conditionSteps({ index, op, value, valueTwo }: Condition): Step[] {
  const high = load(argHighOffset(index));
  const low = load(argLowOffset(index));
  const v = halves(value);
  switch (op) {
    case 'SCMP_CMP_EQ':
      return [high, test(BPF_JEQ, v.high, 0, 'fail'), low, test(BPF_JEQ, v.low, 'pass', 'fail')];
    case 'SCMP_CMP_NE':
      return [high, test(BPF_JEQ, v.high, 0, 'pass'), low, test(BPF_JEQ, v.low, 'fail', 'pass')];
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE': {
      const lowTest = op === 'SCMP_CMP_GT' ? BPF_JGT : BPF_JGE;
      return [
        high,
        test(BPF_JGT, v.high, 'pass', 0),
        test(BPF_JEQ, v.high, 0, 'fail'),
        low,
        test(lowTest, v.low, 'pass', 'fail'),
      ];
    }
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE': {
      // LT is "not GE", LE is "not GT".
      const lowTest = op === 'SCMP_CMP_LE' ? BPF_JGT : BPF_JGE;
      return [
        high,
        test(BPF_JGT, v.high, 'fail', 0),
        test(BPF_JEQ, v.high, 0, 'pass'),
        low,
        test(lowTest, v.low, 'fail', 'pass'),
      ];
    }
    case 'SCMP_CMP_MASKED_EQ': {
      const want = halves(valueTwo);
      return [
        high,
        { instruction: andWith(v.high) },
        test(BPF_JEQ, want.high, 0, 'fail'),
        low,
        { instruction: andWith(v.low) },
        test(BPF_JEQ, want.low, 'pass', 'fail'),
      ];
    }
  }
}
