import { randomBytes } from 'node:crypto';
import { lstatSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { ContainerResolver } from './init-network.js';

/**
 * Replaces /etc/NAME in the container, from its init after pivot_root: every path is the
 * container's own by then, and nothing of the user's runs yet. Written beside and renamed
 * over, so a symlink left at /etc/NAME is replaced, never followed; an /etc that is not a
 * directory is left alone.
 */
function replaceEtcFile(name: string, text: string): void {
  if (!lstatSync('/etc', { throwIfNoEntry: false })?.isDirectory()) return;
  const temporary = `/etc/.${name}.${randomBytes(6).toString('hex')}`;
  try {
    writeFileSync(temporary, text, { flag: 'wx', mode: 0o644 });
    renameSync(temporary, `/etc/${name}`);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The container's /etc/hosts with its address beside its hostname. */
export function writeHostsEntry(hostname: string, address: string): void {
  replaceEtcFile(
    'hosts',
    `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${address}\t${hostname}\n`,
  );
}

/**
 * The container's /etc/resolv.conf on a user-defined network: Cove's DNS on the gateway
 * answers the names of the containers beside it and forwards the rest to the host's
 * resolvers; a bare name is looked up in Cove's domain first.
 */
export function writeResolvConf(resolver: ContainerResolver): void {
  replaceEtcFile('resolv.conf', `search ${resolver.search}\nnameserver ${resolver.nameserver}\n`);
}
