import { z } from 'zod';

/**
 * Docker's `--network`: `bridge` (Cove's bridge, with an address and NAT), `none` (only
 * `lo`), `host` (the host's own network namespace), or `container:NAME|ID` (the network
 * namespace of a running container, as pods share one).
 */
export const NetworkModeSchema = z.union([
  z.enum(['bridge', 'none', 'host']),
  z.string().regex(/^container:[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, {
    message: 'a network is bridge, none, host or container:NAME',
  }),
]);
export type NetworkMode = z.infer<typeof NetworkModeSchema>;

/** The container a `container:NAME` mode joins, or undefined for the other modes. */
export function joinedContainer(mode: NetworkMode): string | undefined {
  return mode.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

const ipv4 = z
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
  hostIp: ipv4.optional(),
  hostPort: port.optional(),
  containerPort: port,
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
});
export type PortMapping = z.infer<typeof PortMappingSchema>;

/** A published port as it is while the container runs: its host port is chosen. */
export const PublishedPortSchema = PortMappingSchema.required({ hostPort: true }).extend({
  hostIp: ipv4,
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

/** Where a running container is on its network: what `inspect` and the dashboard show. */
export const ContainerNetworkSchema = z.object({
  mode: NetworkModeSchema,
  /** The bridge's name, for `bridge`. */
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
