import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const nameserver = /^\s*nameserver\s+(\S+)/;
const onLoopback = (address: string) => /^(127\.|::1$)/.test(address);

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The host's resolver for a container. A nameserver on the host's loopback is not the
 * container's: systemd-resolved's stub (127.0.0.53) gives way to the upstream servers
 * it uses itself, and any other loopback server is left out. With the host's network
 * the host's own file is right as it is.
 */
export function containerResolvConf(
  hostNetwork: boolean,
  hostFile = '/etc/resolv.conf',
  resolvedUpstream = '/run/systemd/resolve/resolv.conf',
): string {
  const text = readText(hostFile);
  if (hostNetwork) return text;
  const lines = text.split('\n');
  const stub = lines.some((line) => nameserver.exec(line)?.[1] === '127.0.0.53');
  const upstream = stub
    ? readText(resolvedUpstream)
        .split('\n')
        .filter((line) => {
          const server = nameserver.exec(line)?.[1];
          return server !== undefined && !onLoopback(server);
        })
    : [];
  const kept = lines.filter((line) => {
    const server = nameserver.exec(line)?.[1];
    return server === undefined || !onLoopback(server);
  });
  return [...kept.filter((line) => line.trim() !== ''), ...upstream, ''].join('\n');
}

/**
 * The container's own /etc/hostname, /etc/hosts and /etc/resolv.conf, written into its
 * writable layer before the overlay is mounted: they shadow the image's, belong to this
 * container alone, and need no extra mount. Nothing is read from the image here: its
 * files are hostile, and a symlink among them would be followed on the host. (A bridge
 * container's init adds its address to /etc/hosts at each start.)
 */
export function writeEtcFiles(upperDir: string, hostname: string, hostNetwork = false): void {
  const etc = join(upperDir, 'etc');
  mkdirSync(etc, { recursive: true, mode: 0o755 });
  writeFileSync(join(etc, 'hostname'), `${hostname}\n`, { mode: 0o644 });
  writeFileSync(
    join(etc, 'hosts'),
    `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n`,
    { mode: 0o644 },
  );
  writeFileSync(join(etc, 'resolv.conf'), containerResolvConf(hostNetwork), { mode: 0o644 });
}
