import { z } from 'zod';

/** The modes Docker has built in; every other name is a user-defined network's. */
export const BUILT_IN_NETWORKS = ['bridge', 'none', 'host'] as const;

/**
 * A user-defined network's name (`cove network create NAME`): what `--network` takes. It
 * names a bridge's owner in messages and files, so it is short and plain.
 */
export const NetworkNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, {
    message:
      'a network name is 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit',
  })
  .refine((name) => !(BUILT_IN_NETWORKS as readonly string[]).includes(name), {
    message: 'bridge, none and host are built-in networks: choose another name',
  });

/**
 * Docker's `--network`: `bridge` (Cove's bridge, with an address and NAT), `none` (only
 * `lo`), `host` (the host's own network namespace), `container:NAME|ID` (the network
 * namespace of a running container, as pods share one), or a user-defined network's name.
 */
export const NetworkModeSchema = z.union([
  z.enum(BUILT_IN_NETWORKS),
  z.string().regex(/^container:[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, {
    message: "a network is bridge, none, host, container:NAME or a network's name",
  }),
  NetworkNameSchema,
]);
export type NetworkMode = z.infer<typeof NetworkModeSchema>;

/** The container a `container:NAME` mode joins, or undefined for the other modes. */
export function joinedContainer(mode: NetworkMode): string | undefined {
  return mode.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

/** The user-defined network a mode names, or undefined for the built-in modes. */
export function userNetworkOf(mode: NetworkMode): string | undefined {
  if ((BUILT_IN_NETWORKS as readonly string[]).includes(mode)) return undefined;
  return joinedContainer(mode) === undefined ? mode : undefined;
}

export const Ipv4Schema = z
  .string()
  .regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, {
    message: 'must be an IPv4 address',
  });
const port = z.number().int().min(1, { message: 'a port is 1 to 65535' }).max(65535, {
  message: 'a port is 1 to 65535',
});

/**
 * One `-p`: traffic to HOSTIP:HOSTPORT on the host goes to CONTAINERPORT in the container.
 * No host address means every address of the host; no host port, a free one picked at start.
 */
export const PortMappingSchema = z.object({
  hostIp: Ipv4Schema.optional(),
  hostPort: port.optional(),
  containerPort: port,
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
});
export type PortMapping = z.infer<typeof PortMappingSchema>;

/** A published port as it is while the container runs: its host port is chosen. */
export const PublishedPortSchema = PortMappingSchema.required({ hostPort: true }).extend({
  hostIp: Ipv4Schema,
});
export type PublishedPort = z.infer<typeof PublishedPortSchema>;

/**
 * Parses Docker's `-p`: `CTR`, `HOST:CTR`, `HOSTIP:HOST:CTR` or `HOSTIP::CTR`, each with an
 * optional `/tcp` or `/udp`.
 */
export function parsePortMapping(text: string): PortMapping {
  const [address = '', protocol = 'tcp', ...extra] = text.split('/');
  const fail = (why: string): never => {
    throw new Error(`invalid port "${text}": ${why}`);
  };
  if (extra.length > 0 || (protocol !== 'tcp' && protocol !== 'udp')) {
    fail('the protocol is /tcp or /udp');
  }
  const parts = address.split(':');
  if (parts.length > 3) fail('expected [HOSTIP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]');
  const containerPort = parts.pop() ?? '';
  const hostPort = parts.pop();
  const hostIp = parts.pop();
  const number = (value: string, what: string) => {
    if (!/^\d{1,5}$/.test(value)) fail(`${what} "${value}" is not a number`);
    return Number(value);
  };
  const parsed = PortMappingSchema.safeParse({
    ...(hostIp ? { hostIp } : {}),
    ...(hostPort ? { hostPort: number(hostPort, 'the host port') } : {}),
    containerPort: number(containerPort, 'the container port'),
    protocol,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`${issue?.path.join('.')} ${issue?.message}`);
  }
  return parsed.data as PortMapping;
}

/** `0.0.0.0:8080->80/tcp`, as `docker ps` and `docker port` show a published port. */
export function formatPublishedPort(published: PublishedPort): string {
  return `${published.hostIp}:${published.hostPort}->${published.containerPort}/${published.protocol}`;
}

/**
 * Two mappings that would take the same host port: the same protocol and port, and the
 * same host address or either on every address. Returns a description of the first clash.
 */
export function duplicatePort(ports: PortMapping[]): string | undefined {
  for (const [index, a] of ports.entries()) {
    for (const b of ports.slice(index + 1)) {
      if (a.hostPort === undefined || a.hostPort !== b.hostPort || a.protocol !== b.protocol) {
        continue;
      }
      if (a.hostIp === undefined || b.hostIp === undefined || a.hostIp === b.hostIp) {
        return `host port ${a.hostPort}/${a.protocol} is published twice`;
      }
    }
  }
  return undefined;
}

/** One more network a running container is on (`--network` again, `network connect`). */
export const NetworkAttachmentSchema = z.object({
  network: NetworkNameSchema,
  /** Its interface in the container: eth1, eth2... */
  interface: z.string(),
  address: z.string(),
  prefixLength: z.number().int(),
  mac: z.string(),
  gateway: z.string(),
  hostInterface: z.string(),
  aliases: z.array(z.string()).default([]),
});
export type NetworkAttachment = z.infer<typeof NetworkAttachmentSchema>;

/** Where a running container is on its network: what `inspect` and the dashboard show. */
export const ContainerNetworkSchema = z.object({
  mode: NetworkModeSchema,
  /** `--network-alias`: more names it answers to on a user-defined network. */
  aliases: z.array(z.string()).default([]),
  /** The other user-defined networks it is on, each on its own interface. */
  attachments: z.array(NetworkAttachmentSchema).default([]),
  /** The bridge's name, for `bridge` and a user-defined network. */
  bridge: z.string().optional(),
  /** The container's address, its prefix length, MAC and gateway, for `bridge`. */
  address: z.string().optional(),
  prefixLength: z.number().int().optional(),
  mac: z.string().optional(),
  gateway: z.string().optional(),
  /** The host end of its veth pair: its counters are the container's traffic. */
  hostInterface: z.string().optional(),
  ports: z.array(PublishedPortSchema).default([]),
});
export type ContainerNetwork = z.infer<typeof ContainerNetworkSchema>;

/** Bytes and packets through a container's interface, as the container sees them. */
export const NetworkCountersSchema = z.object({
  rxBytes: z.number(),
  txBytes: z.number(),
  rxPackets: z.number(),
  txPackets: z.number(),
});
export type NetworkCounters = z.infer<typeof NetworkCountersSchema>;
