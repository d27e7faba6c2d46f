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

function tableScript(bridge: BridgeSettings): string {
  const { name, subnet } = bridge;
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
    // Containers reach the world under the host's address (seed 004's MASQUERADE)...
    `    ip saddr ${subnet} oifname != "${name}" masquerade`,
    // ...the host's 127.0.0.1 reaches a container under the gateway's (route_localnet)...
    `    oifname "${name}" ip saddr 127.0.0.0/8 masquerade`,
    // ...and a container reaching a published port, its own included (hairpin), gets the
    // answer back through the host, not straight from the other end.
    `    oifname "${name}" ip saddr ${subnet} ct status dnat masquerade`,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority 0; policy accept;',
    '    ct state established,related accept',
    `    iifname "${name}" accept`,
    `    oifname "${name}" ct status dnat accept`,
    '  }',
    '}',
  ].join('\n');
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
 * Writes the table anew with these ports, in one transaction: at an agent's start (a
 * firewall reload may have flushed it, a crash may have left stale ports) and at the
 * bridge's first use.
 */
export function applyFirewallTable(
  bridge: BridgeSettings,
  forwards: PortForward[],
): Promise<string> {
  const elements = forwards.map((forward) => {
    const { map, text } = element(forward);
    return `add element ${TABLE} ${map} { ${text} }`;
  });
  const script = [`table ${TABLE} {}`, `delete table ${TABLE}`, tableScript(bridge), ...elements];
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
