import { CoveError } from '../../errors.js';
import {
  EPERM,
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  withData,
} from './seccomp-abi.js';
import type {
  SeccompAction,
  SeccompArg,
  SeccompFlag,
  SeccompOperator,
  SeccompProfile,
  SeccompRule,
  SeccompRuleFilter,
} from './seccomp-profile.js';
import { x86_64Syscalls } from './syscalls-x86-64.js';

/** A condition on one 64-bit argument, the way the filter compares it. */
export interface Condition {
  index: number;
  op: SeccompOperator;
  value: bigint;
  valueTwo: bigint;
}

/** All conditions hold: return `action`. */
export interface ConditionalRule {
  conditions: Condition[];
  action: number;
}

/** For one system call: the first rule whose conditions hold, else `otherwise`. */
export interface SyscallDecision {
  rules: ConditionalRule[];
  otherwise: number;
}

/** A profile reduced to this machine: numbers, SECCOMP_RET_* values, seccomp(2) flags. */
export interface SyscallPolicy {
  defaultAction: number;
  syscalls: Map<number, SyscallDecision>;
  flags: number;
}

/** What a profile's rules may depend on. */
export interface ProfileContext {
  /** The container's capabilities, by name (CAP_SYS_ADMIN...). */
  capabilities: readonly string[];
  /** uname -r, for rules with a minKernel. */
  kernelRelease: string;
}

const syscallNumbers = new Map(Object.entries(x86_64Syscalls));

// Profiles name the architecture two ways: libseccomp's in `architectures`, Go's in a
// rule's `arches` (Docker's own profile says "amd64").
const nativeArchitecture = 'SCMP_ARCH_X86_64';
const nativeArchName = 'amd64';

const flagBits: Record<SeccompFlag, number> = {
  SECCOMP_FILTER_FLAG_LOG: SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: SECCOMP_FILTER_FLAG_SPEC_ALLOW,
};

/** runc's reading of an action: ERRNO and TRACE carry errnoRet, EPERM when absent. */
function actionValue(action: SeccompAction, errnoRet: number | undefined): number {
  switch (action) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return SECCOMP_RET_KILL_THREAD;
    case 'SCMP_ACT_KILL_PROCESS':
      return SECCOMP_RET_KILL_PROCESS;
    case 'SCMP_ACT_TRAP':
      return SECCOMP_RET_TRAP;
    case 'SCMP_ACT_ERRNO':
      return withData(SECCOMP_RET_ERRNO, errnoRet ?? EPERM);
    case 'SCMP_ACT_TRACE':
      return withData(SECCOMP_RET_TRACE, errnoRet ?? EPERM);
    case 'SCMP_ACT_LOG':
      return SECCOMP_RET_LOG;
    case 'SCMP_ACT_ALLOW':
      return SECCOMP_RET_ALLOW;
  }
}

function coversNativeArchitecture(profile: SeccompProfile): boolean {
  if (profile.architectures?.length) return profile.architectures.includes(nativeArchitecture);
  if (profile.archMap?.length) {
    return profile.archMap.some((entry) => entry.architecture === nativeArchitecture);
  }
  return true;
}

function kernelAtLeast(release: string, minimum: string): boolean {
  const version = (text: string) => (text.match(/^(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  const [major = 0, minor = 0] = version(release);
  const [wantMajor = 0, wantMinor = 0] = version(minimum);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/** Docker's rule: includes must all match, any matching exclude drops the rule. */
function applies(rule: SeccompRule, context: ProfileContext): boolean {
  const matches = (filter: SeccompRuleFilter | undefined, every: boolean) => {
    if (!filter) return every;
    const tests = [
      ...(filter.caps ?? []).map((cap) => context.capabilities.includes(cap)),
      ...(filter.arches ? [filter.arches.includes(nativeArchName)] : []),
      ...(filter.minKernel ? [kernelAtLeast(context.kernelRelease, filter.minKernel)] : []),
    ];
    return every ? tests.every(Boolean) : tests.some(Boolean);
  };
  return matches(rule.includes, true) && !matches(rule.excludes, false);
}

const toCondition = (arg: SeccompArg): Condition => ({
  index: arg.index,
  op: arg.op,
  value: BigInt(arg.value),
  valueTwo: BigInt(arg.valueTwo ?? 0),
});

/**
 * A rule's conditions are all required, except (as runc reads profiles) when two of
 * them test the same argument: then each condition is a rule of its own.
 */
function conditionSets(args: SeccompArg[]): Condition[][] {
  const indexes = args.map((arg) => arg.index);
  const repeated = new Set(indexes).size !== indexes.length;
  return repeated ? args.map((arg) => [toCondition(arg)]) : [args.map(toCondition)];
}

/**
 * Reduces a profile to what the filter for this container must decide: the rules that
 * apply to its capabilities, architecture and kernel, by system call number. Names this
 * architecture does not have are skipped, as runc skips them; a rule whose action is the
 * default changes nothing and is dropped.
 */
export function resolveProfile(profile: SeccompProfile, context: ProfileContext): SyscallPolicy {
  if (!coversNativeArchitecture(profile)) {
    throw new CoveError(
      `invalid seccomp profile: its architectures do not include ${nativeArchitecture}, this machine's`,
    );
  }
  const defaultAction = actionValue(profile.defaultAction, profile.defaultErrnoRet);
  const syscalls = new Map<number, SyscallDecision>();
  const unconditionalFrom = new Map<number, number>();

  (profile.syscalls ?? []).forEach((rule, ruleIndex) => {
    if (!applies(rule, context)) return;
    const action = actionValue(rule.action, rule.errnoRet);
    if (action === defaultAction) return;
    for (const name of rule.names) {
      const nr = syscallNumbers.get(name);
      if (nr === undefined) continue;
      const decision = syscalls.get(nr) ?? { rules: [], otherwise: defaultAction };
      syscalls.set(nr, decision);
      if (rule.args?.length) {
        for (const conditions of conditionSets(rule.args))
          decision.rules.push({ conditions, action });
        continue;
      }
      const earlier = unconditionalFrom.get(nr);
      if (earlier !== undefined && decision.otherwise !== action) {
        throw new CoveError(
          `invalid seccomp profile: syscalls[${ruleIndex}]: ${name} already has another action without conditions, in syscalls[${earlier}]`,
        );
      }
      unconditionalFrom.set(nr, ruleIndex);
      decision.otherwise = action;
    }
  });
  const flags = (profile.flags ?? []).reduce((bits, flag) => bits | flagBits[flag], 0);
  return { defaultAction, syscalls, flags };
}
