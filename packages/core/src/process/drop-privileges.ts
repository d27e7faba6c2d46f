import { readFileSync } from 'node:fs';
import { PR_SET_NO_NEW_PRIVS } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { type Confinement, confinementFor, installSeccompFilter } from '../security/confinement.js';
import { applyResourceLimits } from '../security/resource-limits.js';
import { joinNewSessionKeyring } from '../security/session-keyring.js';
import { type StepNotes, step } from '../trace/trace-step.js';
import { limitBoundingSet, setCapabilities } from './capabilities.js';
import type { ResolvedUser } from './user.js';

/**
 * The last steps before a container's program runs, shared by a container's init and
 * by exec: resource limits, the capability bounding set, no_new_privs, the
 * user's ids, the container's capabilities, a session keyring of the user's own, and the
 * seccomp filter. The bounding set goes first: dropping from it needs CAP_SETPCAP, which
 * a container may not keep. The user switch comes before the final capabilities: it
 * needs CAP_SETUID and CAP_SETGID, which it may not keep either. The filter goes last,
 * so the engine's own calls are done by then: after it, make no call but execve (or
 * spawn), since a user's profile may allow nothing else.
 */
export function dropPrivileges(
  libc: Libc,
  user: ResolvedUser,
  confinement: Confinement = confinementFor('default'),
): void {
  step(libc, resourceLimitsStep, () => applyResourceLimits(libc, confinement.rlimits));
  const lastCapability = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const { capabilities } = confinement;
  step(libc, boundingSetStep, () => limitBoundingSet(libc, lastCapability, capabilities));
  step(libc, noNewPrivsStep, () => libc.prctl(PR_SET_NO_NEW_PRIVS, 1));
  step(libc, { ...userStep, doing: `switching to user ${user.uid}:${user.gid}` }, () => {
    libc.setgroups(user.groups);
    libc.setresgid(user.gid);
    libc.setresuid(user.uid);
  });
  // A switch to another user than root has emptied the effective and permitted sets
  // (capabilities(7)): as in Docker, such a user holds no capability.
  if (user.uid === 0) {
    step(libc, capabilitiesStep, () => setCapabilities(libc, capabilities));
  }
  step(libc, keyringStep, () => joinNewSessionKeyring(libc));
  const { seccomp } = confinement;
  if (seccomp) step(libc, seccompStep, () => installSeccompFilter(libc, seccomp));
}

export const resourceLimitsStep: StepNotes = {
  id: 'rlimits',
  group: 'privileges',
  title: 'Resource limits',
  why: "The limits a process inherits (open files, core size) are set to the container's, not the engine's.",
  byHand: 'prlimit --nofile=1048576 --core=0',
  doing: 'setting resource limits',
};

export const boundingSetStep: StepNotes = {
  id: 'bounding-set',
  group: 'privileges',
  title: 'Capability bounding set',
  why: 'Every capability the container may not have leaves the bounding set, so no setuid binary and no execve can ever give it back.',
  byHand: 'capsh --drop=cap_sys_admin,cap_sys_module,...',
  doing: 'limiting the capability bounding set',
};

export const noNewPrivsStep: StepNotes = {
  id: 'no-new-privs',
  group: 'privileges',
  title: 'no_new_privs',
  why: 'From here on, execve can only keep or lose privileges: setuid bits and file capabilities are ignored.',
  byHand: 'setpriv --no-new-privs',
  doing: 'setting no_new_privs',
};

export const userStep: StepNotes = {
  id: 'user',
  group: 'privileges',
  title: "The image's user",
  why: 'Groups first, then the gid, then the uid: once the uid is not root, the process could no longer change its groups.',
  byHand: 'setpriv --reuid=UID --regid=GID --init-groups',
  doing: 'switching user',
};

export const capabilitiesStep: StepNotes = {
  id: 'capabilities',
  group: 'privileges',
  title: 'Capabilities',
  why: "Root in a container keeps Docker's short list (chown, kill, net_bind_service...) and not the rest: no mounting, no loading kernel modules, no raw access to devices.",
  byHand: 'capsh --caps="cap_chown,cap_kill,...+eip" --',
  doing: 'setting capabilities',
};

export const keyringStep: StepNotes = {
  id: 'keyring',
  group: 'privileges',
  title: 'A session keyring of its own',
  why: "The kernel's keyrings are not namespaced: a new session keyring keeps the container away from the host's keys.",
  byHand: 'keyctl session',
  doing: 'joining a new session keyring',
};

export const seccompStep: StepNotes = {
  id: 'seccomp',
  group: 'privileges',
  title: 'The seccomp filter',
  why: 'A BPF program the kernel runs on every system call from here on: the ones a container has no business making (reboot, kexec_load, open_by_handle_at...) fail with EPERM. It goes last: after it, the engine makes no call but execve.',
  byHand: '(no shell command: seccomp(SECCOMP_SET_MODE_FILTER, ...) with the compiled profile)',
  doing: '',
};
