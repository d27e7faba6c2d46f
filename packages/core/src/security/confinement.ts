import { release } from 'node:os';
import type { SeccompSetting } from '@cove/shared';
import { withContext } from '../errors.js';
import type { Libc } from '../libc/libc.js';
import { defaultCapabilities } from '../process/capabilities.js';
import { defaultResourceLimits, type ResourceLimit } from './resource-limits.js';
import { encodeProgram } from './seccomp/bpf.js';
import { compileFilter } from './seccomp/compile-filter.js';
import { defaultSeccompProfile } from './seccomp/default-profile.js';
import { type ProfileContext, resolveProfile } from './seccomp/resolve-profile.js';
import { parseSeccompProfile, type SeccompProfile } from './seccomp/seccomp-profile.js';

/** A compiled filter as it travels in a spec: struct sock_filter[] in base64, and seccomp(2) flags. */
export interface SeccompFilter {
  program: string;
  flags: number;
}

/**
 * What limits a container's processes beyond namespaces and capabilities, decided by the
 * engine and applied by whoever drops privileges before the container's program runs
 * (its init, an exec): the seccomp filter (null: unconfined) and resource limits.
 */
export interface Confinement {
  seccomp: SeccompFilter | null;
  rlimits: ResourceLimit[];
}

export function compileSeccompProfile(
  profile: SeccompProfile,
  context: ProfileContext,
): SeccompFilter {
  const policy = resolveProfile(profile, context);
  return { program: encodeProgram(compileFilter(policy)).toString('base64'), flags: policy.flags };
}

const defaultConfinements = new Map<string, Confinement>();

/**
 * The confinement for a container's seccomp setting. Rules that depend on capabilities
 * are decided for the default capability set, the only one a container gets.
 */
export function confinementFor(setting: SeccompSetting, kernelRelease = release()): Confinement {
  // The default filter is the same for every container on this kernel: compile it once
  // (about 3 ms), not on every start and every exec.
  if (setting === 'default') {
    const cached = defaultConfinements.get(kernelRelease);
    if (cached) return cached;
  }
  const context: ProfileContext = {
    capabilities: defaultCapabilities.map(([name]) => name),
    kernelRelease,
  };
  let seccomp: SeccompFilter | null = null;
  if (setting === 'default') seccomp = compileSeccompProfile(defaultSeccompProfile, context);
  else if (setting !== 'unconfined') {
    seccomp = compileSeccompProfile(parseSeccompProfile(setting.profile), context);
  }
  const confinement = { seccomp, rlimits: defaultResourceLimits };
  if (setting === 'default') defaultConfinements.set(kernelRelease, confinement);
  return confinement;
}

/**
 * seccomp(2) needs no_new_privs (or CAP_SYS_ADMIN, which is gone by then): set it first.
 * The filter binds the calling thread only (no SECCOMP_FILTER_FLAG_TSYNC): that is the
 * thread that execs or forks the container's program, and Node's other threads, which
 * must keep working until then, end at execve.
 */
export function installSeccompFilter(libc: Libc, filter: SeccompFilter): void {
  withContext('installing the seccomp filter', () =>
    libc.seccompSetModeFilter(Buffer.from(filter.program, 'base64'), filter.flags),
  );
}
