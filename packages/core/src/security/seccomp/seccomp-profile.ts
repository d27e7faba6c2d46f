import { CoveError } from '../../errors.js';

// A seccomp profile in Docker's JSON format (moby/profiles/seccomp), so a profile written
// for `docker run --security-opt seccomp=FILE` works unchanged.

const seccompActions = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_LOG',
  'SCMP_ACT_ALLOW',
] as const;
export type SeccompAction = (typeof seccompActions)[number];

const seccompOperators = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
] as const;
export type SeccompOperator = (typeof seccompOperators)[number];

const seccompFlags = ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'] as const;
export type SeccompFlag = (typeof seccompFlags)[number];

/** One condition on an argument; for MASKED_EQ, `value` is the mask and `valueTwo` the result. */
export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

/** When a rule applies: every listed capability held, this architecture, this kernel or newer. */
export interface SeccompRuleFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface SeccompRule {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
  includes?: SeccompRuleFilter;
  excludes?: SeccompRuleFilter;
  comment?: string;
}

export interface SeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: Array<{ architecture: string; subArchitectures?: string[] | null }>;
  syscalls?: SeccompRule[];
  flags?: SeccompFlag[];
}

type Json = Record<string, unknown>;

const invalid = (where: string, problem: string) =>
  new CoveError(`invalid seccomp profile: ${where}: ${problem}`);

function objectAt(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(where, 'must be an object');
  }
  return value as Json;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  if (value === 'SCMP_ACT_NOTIFY') {
    throw invalid(where, 'SCMP_ACT_NOTIFY needs a seccomp agent, which Cove does not run');
  }
  throw invalid(where, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalid(where, 'must be a list of strings');
  }
  return value as string[];
}

/** An unsigned integer JSON can carry exactly; larger values lose digits in JSON.parse. */
function integer(value: unknown, where: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw invalid(where, `must be an integer from 0 to ${max}`);
  }
  return value;
}

function optional<T>(json: Json, key: string, parse: (value: unknown) => T): T | undefined {
  return json[key] === undefined || json[key] === null ? undefined : parse(json[key]);
}

function parseRuleFilter(value: unknown, where: string): SeccompRuleFilter {
  const json = objectAt(value, where);
  return {
    caps: optional(json, 'caps', (v) => strings(v, `${where}.caps`)),
    arches: optional(json, 'arches', (v) => strings(v, `${where}.arches`)),
    minKernel: optional(json, 'minKernel', (v) => {
      if (typeof v !== 'string' || !/^\d+\.\d+/.test(v)) {
        throw invalid(`${where}.minKernel`, 'must be a kernel version such as "4.8"');
      }
      return v;
    }),
  };
}

function parseArg(value: unknown, where: string): SeccompArg {
  const json = objectAt(value, where);
  return {
    index: integer(json.index, `${where}.index`, 5),
    value: integer(json.value, `${where}.value`),
    valueTwo: optional(json, 'valueTwo', (v) => integer(v, `${where}.valueTwo`)),
    op: oneOf(json.op, seccompOperators, `${where}.op`),
  };
}

function parseRule(value: unknown, where: string): SeccompRule {
  const json = objectAt(value, where);
  // Older profiles name one call with `name`; newer ones list them in `names`.
  const names =
    json.names !== undefined
      ? strings(json.names, `${where}.names`)
      : typeof json.name === 'string'
        ? [json.name]
        : undefined;
  if (!names?.length) throw invalid(where, 'names no system call ("names": [...])');
  return {
    names,
    action: oneOf(json.action, seccompActions, `${where}.action`),
    errnoRet: optional(json, 'errnoRet', (v) => integer(v, `${where}.errnoRet`, 4095)),
    args: optional(json, 'args', (v) => {
      if (!Array.isArray(v)) throw invalid(`${where}.args`, 'must be a list');
      return v.map((arg, i) => parseArg(arg, `${where}.args[${i}]`));
    }),
    includes: optional(json, 'includes', (v) => parseRuleFilter(v, `${where}.includes`)),
    excludes: optional(json, 'excludes', (v) => parseRuleFilter(v, `${where}.excludes`)),
  };
}

/** Checks a parsed JSON document against Docker's profile format; errors name the field. */
export function parseSeccompProfile(value: unknown): SeccompProfile {
  const json = objectAt(value, 'the profile');
  for (const unsupported of ['listenerPath', 'listenerMetadata']) {
    if (json[unsupported]) throw invalid(unsupported, 'seccomp agents are not supported');
  }
  return {
    defaultAction: oneOf(json.defaultAction, seccompActions, 'defaultAction'),
    defaultErrnoRet: optional(json, 'defaultErrnoRet', (v) => integer(v, 'defaultErrnoRet', 4095)),
    architectures: optional(json, 'architectures', (v) => strings(v, 'architectures')),
    archMap: optional(json, 'archMap', (v) => {
      if (!Array.isArray(v)) throw invalid('archMap', 'must be a list');
      return v.map((entry, i) => {
        const item = objectAt(entry, `archMap[${i}]`);
        return {
          architecture: oneOfString(item.architecture, `archMap[${i}].architecture`),
          subArchitectures: optional(item, 'subArchitectures', (s) =>
            strings(s, `archMap[${i}].subArchitectures`),
          ),
        };
      });
    }),
    syscalls: optional(json, 'syscalls', (v) => {
      if (!Array.isArray(v)) throw invalid('syscalls', 'must be a list');
      return v.map((rule, i) => parseRule(rule, `syscalls[${i}]`));
    }),
    flags: optional(json, 'flags', (v) =>
      strings(v, 'flags').map((flag, i) => oneOf(flag, seccompFlags, `flags[${i}]`)),
    ),
  };
}

function oneOfString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw invalid(where, 'must be a string');
  return value;
}
