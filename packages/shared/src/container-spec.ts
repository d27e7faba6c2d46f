import { z } from 'zod';
import { DeviceMappingSchema } from './device-mapping.js';
import { VolumeNameSchema } from './named-volume.js';
import {
  duplicatePort,
  Ipv4Schema,
  NetworkModeSchema,
  NetworkNameSchema,
  PortMappingSchema,
  userNetworkOf,
} from './network.js';
import { CapabilityNameSchema, OomScoreAdjSchema } from './security-options.js';
import { SizeSchema } from './size.js';
import { TmpfsMountSchema } from './tmpfs-mount.js';
import { DnsLabelSchema } from './user-network.js';

const absolutePath = z
  .string()
  .min(1)
  .refine((p) => p.startsWith('/'), { message: 'must be an absolute path' })
  .refine((p) => !p.includes('\0'), { message: 'must not contain a NUL byte' });

export const VolumeSchema = z.object({
  /** A host path, or the name of a volume Cove keeps (made on first use). */
  source: z.union([absolutePath, VolumeNameSchema]),
  target: absolutePath.refine((p) => p.split('/').every((part) => part !== '..'), {
    message: 'must not contain ".."',
  }),
  readOnly: z.boolean().default(false),
  /**
   * Set by the engine for a named volume: its name, with `source` its files' path in the
   * store. A caller's value is ignored.
   */
  name: VolumeNameSchema.optional(),
});
export type Volume = z.infer<typeof VolumeSchema>;

/** Parses Docker's `-v SRC:DST[:ro|rw]`, SRC a host path or a volume's name. */
export function parseVolume(text: string): Volume {
  const parts = text.split(':');
  const [source, target, mode] = parts;
  if (parts.length < 2 || parts.length > 3 || !source || !target) {
    throw new Error(
      `invalid volume "${text}": expected /host/path:/container/path[:ro] or name:/container/path[:ro]`,
    );
  }
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
    throw new Error(`invalid volume "${text}": mode must be ro or rw, not "${mode}"`);
  }
  const parsed = VolumeSchema.safeParse({ source, target, readOnly: mode === 'ro' });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const why = source.startsWith('/')
      ? `${issue?.path.join('.')} ${issue?.message}`
      : VolumeNameSchema.safeParse(source).success
        ? `${issue?.path.join('.')} ${issue?.message}`
        : `"${source}" is neither an absolute host path nor a volume name (letters, digits, "_", "." or "-", starting with a letter or digit)`;
    throw new Error(`invalid volume "${text}": ${why}`);
  }
  return parsed.data;
}

export const LimitsSchema = z.object({
  memory: SizeSchema.optional(),
  memorySwap: SizeSchema.optional(),
  pids: z.number().int().positive().optional(),
  cpus: z.number().positive().optional(),
  cpuShares: z.number().int().min(2).max(262144).optional(),
});
export type Limits = z.infer<typeof LimitsSchema>;

export const ContainerNameSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, {
  message: 'a name is letters, digits, "_", "." or "-", starting with a letter or digit',
});

export const HostnameSchema = z
  .string()
  .regex(
    /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/,
    {
      message: 'a hostname is letters, digits and "-", in dot-separated labels of up to 63',
    },
  )
  .max(64);

/** Docker's `--restart`: `no`, `always`, `on-failure[:N]` (N = most retries). */
export const RestartPolicySchema = z.object({
  name: z.enum(['no', 'always', 'on-failure']),
  maxRetries: z.number().int().positive().optional(),
});
export type RestartPolicy = z.infer<typeof RestartPolicySchema>;

/** Parses `--restart no|always|on-failure[:N]`. */
export function parseRestartPolicy(text: string): RestartPolicy {
  const match = /^(no|always|on-failure)(?::(\d+))?$/.exec(text);
  if (!match?.[1] || (match[2] !== undefined && match[1] !== 'on-failure')) {
    throw new Error(`invalid restart policy "${text}": use no, always or on-failure[:N]`);
  }
  const name = match[1] as RestartPolicy['name'];
  return match[2] === undefined ? { name } : { name, maxRetries: Number(match[2]) };
}

/**
 * Docker's `--security-opt seccomp=…`: the default filter, none (`unconfined`), or a
 * profile in Docker's JSON format, checked field by field when the container starts.
 */
export const SeccompSettingSchema = z.union([
  z.literal('default'),
  z.literal('unconfined'),
  z.object({ profile: z.record(z.string(), z.unknown()) }),
]);
export type SeccompSetting = z.infer<typeof SeccompSettingSchema>;

/** What a user asks for when creating a container: the CLI's flags and the web form's fields. */
export const ContainerSpecSchema = z
  .object({
    image: z.string().min(1, { message: 'an image is required' }),
    name: ContainerNameSchema.optional(),
    hostname: HostnameSchema.optional(),
    /** Empty means the image's default command. */
    command: z.array(z.string()).default([]),
    env: z
      .array(z.string().regex(/^[^=\0]+=[^\0]*$/, { message: 'an environment entry is KEY=VALUE' }))
      .default([]),
    volumes: z.array(VolumeSchema).default([]),
    workdir: absolutePath.optional(),
    user: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]+(:[a-zA-Z0-9_.-]+)?$/, {
        message: 'a user is UID[:GID] or NAME[:GROUP]',
      })
      .optional(),
    autoRemove: z.boolean().default(false),
    limits: LimitsSchema.default({}),
    /** The container's stdio is a terminal (`-t`): its PID 1 gets a PTY as controlling terminal. */
    tty: z.boolean().default(false),
    restart: RestartPolicySchema.default({ name: 'no' }),
    seccomp: SeccompSettingSchema.default('default'),
    /** Capabilities added to and dropped from Docker's default set (see effectiveCapabilities). */
    capAdd: z.array(CapabilityNameSchema).default([]),
    capDrop: z.array(CapabilityNameSchema).default([]),
    /** The root filesystem is read-only; /dev, volumes and tmpfs mounts stay as they are. */
    readOnly: z.boolean().default(false),
    tmpfs: z.array(TmpfsMountSchema).default([]),
    devices: z.array(DeviceMappingSchema).default([]),
    /** The kernel's OOM-killer preference for the container's processes (0 unless asked). */
    oomScoreAdj: OomScoreAdjSchema.optional(),
    /** `--network`; absent means the engine's default (the bridge, unless set otherwise). */
    network: NetworkModeSchema.optional(),
    /** `--network-alias`: more names it answers to on its user-defined network. */
    networkAliases: z.array(DnsLabelSchema).default([]),
    /** `--ip`: its address on its user-defined network, instead of the next free one. */
    ip: Ipv4Schema.optional(),
    /**
     * More user-defined networks, each on an interface of its own (`--network` given again,
     * `network connect`).
     */
    moreNetworks: z
      .array(
        z.object({
          network: NetworkNameSchema,
          aliases: z.array(DnsLabelSchema).default([]),
          ip: Ipv4Schema.optional(),
        }),
      )
      .default([]),
    /** `-p`: ports published on the host (bridge and user-defined networks). */
    ports: z.array(PortMappingSchema).default([]),
    /** `-P`: every port the image's config exposes, each on a free host port. */
    publishAll: z.boolean().default(false),
  })
  .superRefine((spec, context) => {
    const clash = duplicatePort(spec.ports);
    if (clash) context.addIssue({ code: 'custom', path: ['ports'], message: clash });
    const publishes = spec.ports.length > 0 || spec.publishAll;
    const mode = spec.network;
    const addressless = mode === 'none' || mode === 'host' || mode?.startsWith('container:');
    if (publishes && addressless) {
      context.addIssue({
        code: 'custom',
        path: ['ports'],
        message: `ports are published on a bridge network, not on "${mode}"`,
      });
    }
    const userNetwork = mode === undefined ? undefined : userNetworkOf(mode);
    if ((spec.networkAliases.length > 0 || spec.ip) && userNetwork === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['networkAliases'],
        message: '--network-alias and --ip need a user-defined network (cove network create)',
      });
    }
    if (spec.moreNetworks.length > 0 && userNetwork === undefined && mode !== 'bridge') {
      context.addIssue({
        code: 'custom',
        path: ['moreNetworks'],
        message: `a container on "${mode ?? 'the default network'}" cannot join more networks`,
      });
    }
    const names = [userNetwork, ...spec.moreNetworks.map((more) => more.network)];
    const twice = names.find((name, index) => name && names.indexOf(name) !== index);
    if (twice) {
      context.addIssue({
        code: 'custom',
        path: ['moreNetworks'],
        message: `network ${twice} is given twice`,
      });
    }
  });
export type ContainerSpec = z.infer<typeof ContainerSpecSchema>;
export type ContainerSpecInput = z.input<typeof ContainerSpecSchema>;
