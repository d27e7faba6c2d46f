import { CoveError, withContext } from '../errors.js';
import type { Libc } from '../libc/libc.js';
import { SyscallError } from '../libc/syscall-error.js';
import type { BridgeSettings } from './bridge-settings.js';
import { interfaceIndex } from './host-bridge.js';
import { withRouteNetlink } from './rtnetlink.js';
import { hairpinMessage, newVethMessage } from './rtnetlink-message.js';

/**
 * The host end's name: `veth` and the id's start, within IFNAMSIZ's 15 characters. The
 * ends of a container's further networks (eth1, eth2...) end in a letter past `f`, which
 * no id's start can.
 */
export function hostInterfaceName(id: string, index = 0): string {
  if (index === 0) return `veth${id.slice(0, 11)}`;
  return `veth${id.slice(0, 10)}${String.fromCharCode('f'.charCodeAt(0) + index)}`;
}

export interface VethPlan {
  hostInterface: string;
  /** The container's end: eth0, or eth1... for its further networks. */
  peerName?: string;
  mac: string;
  mtu: number;
}

/**
 * Seed 004's veth pair, as two rtnetlink requests from this process (no program to start
 * on the way to every container's start): the pair, with the container's end born in the
 * init's network namespace as `eth0` (no rename or move afterwards) and the host's end on
 * the bridge and up; then hairpin on that bridge port, so a container can reach its own
 * published port. The pair dies with the namespace: a container that ends leaves no veth.
 */
export function attachVeth(
  libc: Libc,
  bridge: BridgeSettings,
  initPid: number,
  plan: VethPlan,
): void {
  const { hostInterface, mac, mtu, peerName = 'eth0' } = plan;
  withContext(`connecting the container to ${bridge.name}`, () => {
    const bridgeIndex = interfaceIndex(libc, bridge.name);
    try {
      withRouteNetlink(libc, (request, nextSequence) => {
        request(
          newVethMessage(
            {
              hostName: hostInterface,
              mtu,
              bridgeIndex,
              peerName,
              peerMac: mac,
              peerNamespacePid: initPid,
            },
            nextSequence(),
          ),
          `veth ${hostInterface} with ${peerName} in the namespace of PID ${initPid}`,
        );
        request(
          hairpinMessage(interfaceIndex(libc, hostInterface), nextSequence()),
          `hairpin on ${hostInterface}`,
        );
      });
    } catch (error) {
      // The kernel answers EOPNOTSUPP for a link kind it has no module for.
      if (error instanceof SyscallError && error.code === 'EOPNOTSUPP') {
        throw new CoveError(
          'the kernel has no veth support: load its module (modprobe veth) or use --network none',
        );
      }
      throw error;
    }
  });
}
