/** IPv4 addresses as numbers, and the subnet arithmetic the bridge and its leases need. */

export interface Subnet {
  /** The network address, as a 32-bit unsigned number. */
  network: number;
  prefixLength: number;
}

export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
    throw new Error(`"${text}" is not an IPv4 address`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function netmask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Parses `10.88.0.0/16`; the address must be the network's own (no host bits set). */
export function parseSubnet(text: string): Subnet {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  const prefixLength = Number(match?.[2]);
  if (!match?.[1] || prefixLength < 8 || prefixLength > 30) {
    throw new Error(
      `invalid subnet "${text}": expected an IPv4 CIDR from /8 to /30, like 10.88.0.0/16`,
    );
  }
  const network = parseIpv4(match[1]);
  if ((network & ~netmask(prefixLength)) !== 0) {
    throw new Error(
      `invalid subnet "${text}": host bits are set (did you mean ${formatSubnet({ network: (network & netmask(prefixLength)) >>> 0, prefixLength })}?)`,
    );
  }
  return { network, prefixLength };
}

export function formatSubnet({ network, prefixLength }: Subnet): string {
  return `${formatIpv4(network)}/${prefixLength}`;
}

export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  const shorter = Math.min(a.prefixLength, b.prefixLength);
  const mask = netmask(shorter);
  return (a.network & mask) >>> 0 === (b.network & mask) >>> 0;
}

/** Whether `address` is inside the subnet written `subnet`. */
export function subnetContains(subnet: string, address: string): boolean {
  const parsed = parseSubnet(subnet);
  return subnetsOverlap(parsed, { network: parseIpv4(address), prefixLength: 32 });
}

/** The gateway (the bridge's own address) is the subnet's first host. */
export function gatewayOf(subnet: Subnet): number {
  return subnet.network + 1;
}

/** Addresses a container may lease: after the gateway, before the broadcast address. */
export function leasableRange(subnet: Subnet): { first: number; last: number } {
  const size = 2 ** (32 - subnet.prefixLength);
  return { first: subnet.network + 2, last: subnet.network + size - 2 };
}

/** A locally administered MAC derived from the address, stable for the same address. */
export function macFor(address: number): string {
  const bytes = [
    0x02,
    0x42,
    ...[24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256),
  ];
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}
