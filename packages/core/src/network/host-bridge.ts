import { writeFileSync } from 'node:fs';
import { withContext, withContextAsync } from '../errors.js';
import { SIOCGIFINDEX } from '../libc/constants.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';
import type { BridgeSettings } from './bridge-settings.js';
import { withInterfaceRequest } from './interface-request.js';
import { macFor, parseIpv4 } from './ipv4.js';
import { explainMissingModule, runNetworkTool } from './network-tool.js';

/** The index of interface `name` in this process's network namespace. */
export function interfaceIndex(libc: Libc, name: string): number {
  return withInterfaceRequest(libc, name, ({ socket, buffer }) => {
    libc.ioctl(socket, SIOCGIFINDEX, buffer, name);
    return buffer.readInt32LE(16);
  });
}

/** Whether interface `name` exists in this process's network namespace. */
export function interfaceExists(libc: Libc, name: string): boolean {
  return withInterfaceRequest(libc, name, ({ socket, buffer }) => {
    try {
      libc.ioctl(socket, SIOCGIFINDEX, buffer, name);
      return true;
    } catch (error) {
      if (error instanceof SyscallError && error.code === 'ENODEV') return false;
      throw error;
    }
  });
}

/**
 * Seed 004's host side, once: the bridge with the gateway's address, up. Its MAC is
 * pinned (a bridge otherwise takes its lowest port's, and changes it as containers come
 * and go, leaving stale ARP entries in the others).
 */
export async function createBridge(bridge: BridgeSettings): Promise<void> {
  const { name, gateway, prefixLength } = bridge;
  await withContextAsync(`creating the bridge ${name}`, () =>
    explainMissingModule(
      'bridge',
      runNetworkTool(
        'ip',
        ['-batch', '-'],
        [
          `link add name ${name} address ${macFor(parseIpv4(gateway))} type bridge`,
          `addr add ${gateway}/${prefixLength} dev ${name}`,
          `link set dev ${name} up`,
          '',
        ].join('\n'),
      ),
    ),
  );
}

/**
 * The sysctls the bridge needs, in this namespace only (/proc/sys/net is per network
 * namespace): forwarding, which is host-wide for IPv4, and route_localnet on the bridge
 * so the host's own 127.0.0.1 can reach a published port.
 */
export function setBridgeSysctls(bridge: BridgeSettings): void {
  const set = (path: string) =>
    withContext(`setting ${path.replace('/proc/sys/', '').replaceAll('/', '.')}`, () =>
      writeFileSync(path, '1\n'),
    );
  set('/proc/sys/net/ipv4/ip_forward');
  set(`/proc/sys/net/ipv4/conf/${bridge.name}/route_localnet`);
}

/** Removes the bridge (its address and routes go with it). */
export function deleteBridge(bridge: BridgeSettings): Promise<string> {
  return runNetworkTool('ip', ['link', 'delete', 'dev', bridge.name]);
}
