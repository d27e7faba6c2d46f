import { z } from 'zod';
import { Ipv4Schema, NetworkNameSchema } from './network.js';

/** A DNS label: what a container's name or `--network-alias` must be for others to resolve it. */
export const DnsLabelSchema = z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, {
  message:
    'an alias is a DNS label: 1 to 63 letters, digits or "-", not starting or ending with "-"',
});

/** The 32-bit value of `A.B.C.D`, or undefined when an octet is past 255. */
function addressValue(text: string): number | undefined {
  const octets = text.split('.').map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

const subnetShape = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

/** `A.B.C.D/N`, /8 to /30, with nothing set past the prefix: checked as it is typed. */
export const SubnetSchema = z
  .string()
  .regex(subnetShape, { message: 'a subnet is A.B.C.D/N, e.g. 10.89.5.0/24' })
  .superRefine((text, context) => {
    if (!subnetShape.test(text)) return; // the regex has said so
    const [address = '', prefix = ''] = text.split('/');
    const value = addressValue(address);
    const length = Number(prefix);
    if (value === undefined) {
      context.addIssue({ code: 'custom', message: `"${address}" is not an IPv4 address` });
    } else if (length < 8 || length > 30) {
      context.addIssue({ code: 'custom', message: 'a subnet is a /8 to a /30' });
    } else {
      const size = 2 ** (32 - length);
      const network = value - (value % size);
      if (network !== value) {
        const dotted = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
        context.addIssue({
          code: 'custom',
          message: `host bits are set (did you mean ${dotted.join('.')}/${length}?)`,
        });
      }
    }
  });

/** `cove network create`'s request. */
export const NetworkCreateSchema = z.object({
  name: NetworkNameSchema,
  /** Chosen from Cove's pool when absent: a /24 no host route and no other network overlaps. */
  subnet: SubnetSchema.optional(),
  /** The subnet's first address when absent. */
  gateway: Ipv4Schema.optional(),
  /** No route out and nothing in: its containers reach only each other. */
  internal: z.boolean().default(false),
});
export type NetworkCreate = z.infer<typeof NetworkCreateSchema>;
export type NetworkCreateInput = z.input<typeof NetworkCreateSchema>;

/** A user-defined network, as kept in the store. */
export const UserNetworkSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  name: NetworkNameSchema,
  /** Its own bridge on the host. */
  bridge: z.string(),
  subnet: SubnetSchema,
  gateway: Ipv4Schema,
  prefixLength: z.number().int(),
  internal: z.boolean(),
  createdAt: z.string(),
});
export type UserNetwork = z.infer<typeof UserNetworkSchema>;

/** A container on a network, as `network inspect` and the Networks page show it. */
export const NetworkMemberSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Its address while it runs; absent for a stopped member. */
  address: z.string().optional(),
  interface: z.string().optional(),
  aliases: z.array(z.string()),
  running: z.boolean(),
});
export type NetworkMember = z.infer<typeof NetworkMemberSchema>;

/** What `network ls` and `network inspect` show: the built-in ones too. */
export const NetworkSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.enum(['bridge', 'null', 'host']),
  /** A network `cove network create` made (`network rm` can remove it). */
  userDefined: z.boolean(),
  bridge: z.string().optional(),
  subnet: z.string().optional(),
  gateway: z.string().optional(),
  internal: z.boolean(),
  /** Whether its containers resolve each other's names (Cove's DNS on the gateway). */
  dns: z.boolean(),
  createdAt: z.string().optional(),
  members: z.array(NetworkMemberSchema),
});
export type NetworkSummary = z.infer<typeof NetworkSummarySchema>;

/** `network connect`'s request. */
export const NetworkConnectSchema = z.object({
  network: z.string().min(1),
  container: z.string().min(1),
  aliases: z.array(DnsLabelSchema).default([]),
  ip: Ipv4Schema.optional(),
});
export type NetworkConnect = z.infer<typeof NetworkConnectSchema>;
export type NetworkConnectInput = z.input<typeof NetworkConnectSchema>;

/** The search domain of Cove's DNS: `web` and `web.cove.internal` name the same container. */
export const COVE_DNS_DOMAIN = 'cove.internal';
