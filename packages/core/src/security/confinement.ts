import { release } from 'node:os';
import {
  type ContainerSpec,
  DEFAULT_CAPABILITIES,
  effectiveCapabilities,
  type SeccompSetting,
} from '@cove/shared';
import { withContext } from '../errors.js';
import type { Libc } from '../libc/libc.js';
import { capabilityBits, grantable } from '../process/capabilities.js';
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
 * What limits a container's processes beyond namespaces, decided by the engine and
 * applied by whoever drops privileges before the container's program runs (its init, an
 * exec): the capabilities it keeps (by number), the seccomp filter (null: unconfined)
 * and resource limits.
 */
export interface Confinement {
  capabilities: number[];
  /** /proc/self/oom_score_adj: 0 unless asked, whatever the agent's own (-500). */
  oomScoreAdj: number;
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
 * The confinement for a seccomp setting and a capability set. Rules of the profile that
 * depend on capabilities (Docker's default allows mount with CAP_SYS_ADMIN, say) are
 * decided for that set.
 */
export function confinementFor(
  setting: SeccompSetting,
  capabilities: readonly string[] = DEFAULT_CAPABILITIES,
  kernelRelease = release(),
): Confinement {
  // The default filter is the same for every container with the same capabilities on
  // this kernel: compile it once (about 3 ms), not on every start and every exec.
  const cacheKey = `${kernelRelease} ${capabilities.join(',')}`;
  if (setting === 'default') {
    const cached = defaultConfinements.get(cacheKey);
    if (cached) return cached;
  }
  const granted = grantable(capabilities);
  const context: ProfileContext = { capabilities: granted, kernelRelease };
  let seccomp: SeccompFilter | null = null;
  if (setting === 'default') seccomp = compileSeccompProfile(defaultSeccompProfile, context);
  else if (setting !== 'unconfined') {
    seccomp = compileSeccompProfile(parseSeccompProfile(setting.profile), context);
  }
  const confinement = {
    capabilities: capabilityBits(granted),
    oomScoreAdj: 0,
    seccomp,
    rlimits: defaultResourceLimits,
  };
  if (setting === 'default') defaultConfinements.set(cacheKey, confinement);
  return confinement;
}

/** A container's confinement: its seccomp setting, `--cap-add`/`--cap-drop` and `--oom-score-adj`. */
export function containerConfinement(
  spec: Pick<ContainerSpec, 'seccomp' | 'capAdd' | 'capDrop' | 'oomScoreAdj'>,
): Confinement {
  const capabilities = effectiveCapabilities(spec.capAdd, spec.capDrop);
  return { ...confinementFor(spec.seccomp, capabilities), oomScoreAdj: spec.oomScoreAdj ?? 0 };
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
