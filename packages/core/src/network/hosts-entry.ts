import { randomBytes } from 'node:crypto';
import { lstatSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * The container's /etc/hosts with its address beside its hostname, written by the init
 * after pivot_root: every path is the container's own by then, and nothing of the user's
 * runs yet. Written beside and renamed over, so a symlink left at /etc/hosts is replaced,
 * never followed; an /etc that is not a directory is left alone.
 */
export function writeHostsEntry(hostname: string, address: string): void {
  if (!lstatSync('/etc', { throwIfNoEntry: false })?.isDirectory()) return;
  const text = `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${address}\t${hostname}\n`;
  const temporary = `/etc/.hosts.${randomBytes(6).toString('hex')}`;
  try {
    writeFileSync(temporary, text, { flag: 'wx', mode: 0o644 });
    renameSync(temporary, '/etc/hosts');
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
