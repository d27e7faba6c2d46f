import { readFileSync } from 'node:fs';

export interface Upstream {
  address: string;
  port: number;
}

/** `IP` or `IP:PORT` (`--dns-upstream`), port 53 by default. */
export function parseUpstream(text: string): Upstream {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(text);
  const port = Number(match?.[2] ?? 53);
  if (!match?.[1] || port < 1 || port > 65535) {
    throw new Error(`invalid DNS upstream "${text}": expected an IPv4 address, with :PORT or not`);
  }
  return { address: match[1], port };
}

/**
 * Where Cove's DNS sends the names it does not own: the host's own resolvers, read from
 * /etc/resolv.conf (the agent runs on the host, so a loopback stub such as
 * systemd-resolved's 127.0.0.53 is reachable from here, unlike from a container).
 */
export function hostUpstreams(resolvConf = '/etc/resolv.conf'): Upstream[] {
  let text = '';
  try {
    text = readFileSync(resolvConf, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/.exec(line)?.[1])
    .filter((address): address is string => address !== undefined)
    .map((address) => ({ address, port: 53 }));
}
