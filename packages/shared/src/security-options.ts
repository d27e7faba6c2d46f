import { z } from 'zod';

/** Every capability by its number (linux/capability.h): the index is the bit. */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/** Docker's default set: what a container's root keeps unless told otherwise. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW',
  'CAP_SYS_CHROOT',
  'CAP_MKNOD',
  'CAP_AUDIT_WRITE',
  'CAP_SETFCAP',
];

/**
 * `--cap-add`/`--cap-drop` values as Docker users write them: `NET_ADMIN`, `cap_net_admin`
 * or `ALL`. Stored in one spelling, `CAP_NET_ADMIN` (or `ALL`), so two specs that mean
 * the same compare equal.
 */
export const CapabilityNameSchema = z.string().transform((text, context) => {
  const upper = text.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!(CAPABILITY_NAMES as readonly string[]).includes(name)) {
    context.addIssue({
      code: 'custom',
      message: `unknown capability "${text}": use a name like NET_ADMIN or CAP_NET_ADMIN, or ALL`,
    });
    return z.NEVER;
  }
  return name;
});

/**
 * The capabilities a container's processes hold, by Docker's rule: start from every
 * capability (`--cap-add ALL`), none (`--cap-drop ALL`) or the default set; take the
 * drops away; then give the adds, which win over drops. Sorted by number.
 */
export function effectiveCapabilities(capAdd: string[], capDrop: string[]): string[] {
  const all = [...CAPABILITY_NAMES] as string[];
  const base = capAdd.includes('ALL')
    ? all
    : capDrop.includes('ALL')
      ? []
      : [...DEFAULT_CAPABILITIES];
  const kept = new Set(base.filter((name) => !capDrop.includes(name)));
  for (const name of capAdd) if (name !== 'ALL') kept.add(name);
  return all.filter((name) => kept.has(name));
}

/** Docker's `--oom-score-adj`: how willing the kernel is to kill the container when memory runs out. */
export const OomScoreAdjSchema = z.number().int().min(-1000).max(1000);
