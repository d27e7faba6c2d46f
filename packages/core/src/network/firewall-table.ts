import type { PublishedPort } from '@cove/shared';
import type { BridgeSettings } from './bridge-settings.js';
import { runNetworkTool } from './network-tool.js';

/**
 * Cove's one nftables table, `inet cove`: every rule Cove needs, and no rule anywhere
 * else. Published ports are elements of four maps (tcp or udp; on every host address or
 * on one), so publishing or withdrawing a port adds or deletes an element, not a rule.
 */
export const TABLE = 'inet cove';

/** A published port with the container address its traffic goes to. */
export interface PortForward extends PublishedPort {
  address: string;
}

/**
 * The table's rules, the same for any number of bridges: which bridges there are is in
 * sets (every bridge; those whose containers may reach out; each bridge paired with
 * itself; their subnets), so a network created or removed adds or deletes elements,
 * never rules.
 */
function tableScript(): string {
  const maps = ['tcp', 'udp'].flatMap((protocol) => [
    `  map ${protocol}_ports { type inet_service : ipv4_addr . inet_service; }`,
    `  map ${protocol}_ports_at { type ipv4_addr . inet_service : ipv4_addr . inet_service; }`,
  ]);
  const dnat = ['tcp', 'udp'].flatMap((protocol) => [
    `    meta nfproto ipv4 meta l4proto ${protocol} dnat ip to ip daddr . ${protocol} dport map @${protocol}_ports_at`,
    `    meta nfproto ipv4 meta l4proto ${protocol} dnat ip to ${protocol} dport map @${protocol}_ports`,
  ]);
  return [
    `table ${TABLE} {`,
    '  set bridges { type ifname; }',
    '  set outbound { type ifname; }',
    '  set same_bridge { type ifname . ifname; }',
    '  set subnets { type ipv4_addr; flags interval; }',
    '  set outbound_subnets { type ipv4_addr; flags interval; }',
    ...maps,
    '  chain published {',
    ...dnat,
    '  }',
    // Traffic from outside, and the host's own connections (127.0.0.1 included), to a
    // host address: a published port sends it on to its container.
    '  chain prerouting {',
    '    type nat hook prerouting priority -100; policy accept;',
    '    fib daddr type local jump published',
    '  }',
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    '    fib daddr type local jump published',
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority 100; policy accept;',
    // Matched by source address, not input interface: a packet a container sends to its
    // own published port has none here (bridge netfilter), and must still be masqueraded.
    // Containers reach the world under the host's address (seed 004's MASQUERADE)...
    '    ip saddr @outbound_subnets oifname != @bridges masquerade',
    // ...the host's 127.0.0.1 reaches a container under the gateway's (route_localnet)...
    '    oifname @bridges ip saddr 127.0.0.0/8 masquerade',
    // ...and a container reaching a published port, its own included (hairpin), gets the
    // answer back through the host, not straight from the other end.
    '    oifname @bridges ip saddr @subnets ct status dnat masquerade',
    '  }',
    '  chain forward {',
    '    type filter hook forward priority 0; policy accept;',
    '    ct state established,related accept',
    '    iifname @bridges jump from_container',
    '    oifname @bridges jump to_container',
    '  }',
    // Leaving a container's bridge: its own network, yes; out of an internal one, no; a
    // published port on a network that publishes, yes; another network, no; the world, yes.
    '  chain from_container {',
    '    iifname . oifname @same_bridge accept',
    '    iifname != @outbound drop',
    '    oifname @outbound ct status dnat accept',
    '    oifname @bridges drop',
    '    accept',
    '  }',
    // Entering one from outside: never into an internal network.
    '  chain to_container {',
    '    oifname != @outbound drop',
    '  }',
    '}',
  ].join('\n');
}

/** The elements that make `bridge` one of the table's bridges. */
function bridgeElements(bridge: BridgeSettings): string[] {
  const name = JSON.stringify(bridge.name);
  return [
    `element ${TABLE} bridges { ${name} }`,
    `element ${TABLE} same_bridge { ${name} . ${name} }`,
    `element ${TABLE} subnets { ${bridge.subnet} }`,
    ...(bridge.internal
      ? []
      : [
          `element ${TABLE} outbound { ${name} }`,
          `element ${TABLE} outbound_subnets { ${bridge.subnet} }`,
        ]),
  ];
}

/** Adds a bridge to the table (again is harmless: `add` of an element there is a no-op). */
export function addBridgeToTable(bridge: BridgeSettings): Promise<string> {
  const lines = bridgeElements(bridge).map((element) => `add ${element}`);
  return runNetworkTool('nft', ['-f', '-'], `${lines.join('\n')}\n`);
}

/** Takes a bridge out of the table; one already gone is not an error. */
export async function removeBridgeFromTable(bridge: BridgeSettings): Promise<void> {
  for (const element of bridgeElements(bridge)) {
    await runNetworkTool('nft', ['-f', '-'], `delete ${element}\n`).catch(() => '');
  }
}

function element(forward: PortForward): { map: string; text: string } {
  const target = `${forward.address} . ${forward.containerPort}`;
  return forward.hostIp === '0.0.0.0'
    ? { map: `${forward.protocol}_ports`, text: `${forward.hostPort} : ${target}` }
    : {
        map: `${forward.protocol}_ports_at`,
        text: `${forward.hostIp} . ${forward.hostPort} : ${target}`,
      };
}

/**
 * Writes the table anew with these bridges and ports, in one transaction: at an agent's
 * start (a firewall reload may have flushed it, a crash may have left stale ports) and
 * at the first bridge's use.
 */
export function applyFirewallTable(
  bridges: BridgeSettings[],
  forwards: PortForward[],
): Promise<string> {
  const elements = forwards.map((forward) => {
    const { map, text } = element(forward);
    return `add element ${TABLE} ${map} { ${text} }`;
  });
  const script = [
    `table ${TABLE} {}`,
    `delete table ${TABLE}`,
    tableScript(),
    ...bridges.flatMap(bridgeElements).map((element) => `add ${element}`),
    ...elements,
  ];
  return runNetworkTool('nft', ['-f', '-'], `${script.join('\n')}\n`);
}

/**
 * Publishes ports, all or none. `create` fails on a key another container holds: the
 * kernel settles a race for the same host port.
 */
export function publishPorts(forwards: PortForward[]): Promise<string> {
  const script = forwards.map((forward) => {
    const { map, text } = element(forward);
    return `create element ${TABLE} ${map} { ${text} }`;
  });
  return runNetworkTool('nft', ['-f', '-'], `${script.join('\n')}\n`);
}

/** Withdraws ports; one already gone (a flushed ruleset) does not keep the others. */
export async function withdrawPorts(forwards: PortForward[]): Promise<void> {
  const lines = forwards.map((forward) => {
    const { map, text } = element(forward);
    return `delete element ${TABLE} ${map} { ${text} }`;
  });
  if (lines.length === 0) return;
  try {
    await runNetworkTool('nft', ['-f', '-'], `${lines.join('\n')}\n`);
  } catch {
    for (const line of lines) await runNetworkTool('nft', ['-f', '-'], `${line}\n`).catch(() => '');
  }
}

/** Removes the table, if there is one. */
export function removeFirewallTable(): Promise<string> {
  return runNetworkTool('nft', ['-f', '-'], `table ${TABLE} {}\ndelete table ${TABLE}\n`);
}
