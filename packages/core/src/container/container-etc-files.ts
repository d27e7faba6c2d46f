import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function hostResolvConf(): string {
  let text = '';
  try {
    text = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {}
  // A nameserver on the host's loopback is unreachable from the container's own.
  return text
    .split('\n')
    .filter((line) => !/^\s*nameserver\s+(127\.|::1\b)/.test(line))
    .join('\n');
}

/**
 * The container's own /etc/hostname, /etc/hosts and /etc/resolv.conf, written into its
 * writable layer before the overlay is mounted: they shadow the image's, belong to this
 * container alone, and need no extra mount. Nothing is read from the image here: its
 * files are hostile, and a symlink among them would be followed on the host.
 */
export function writeEtcFiles(upperDir: string, hostname: string): void {
  const etc = join(upperDir, 'etc');
  mkdirSync(etc, { recursive: true, mode: 0o755 });
  writeFileSync(join(etc, 'hostname'), `${hostname}\n`, { mode: 0o644 });
  writeFileSync(
    join(etc, 'hosts'),
    `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n`,
    { mode: 0o644 },
  );
  writeFileSync(join(etc, 'resolv.conf'), hostResolvConf(), { mode: 0o644 });
}
