import { withContextAsync } from '../errors.js';
import type { BridgeSettings } from './bridge-settings.js';
import { explainMissingModule, type StartedNetworkTool, startNetworkTool } from './network-tool.js';

/** The host end's name: `veth` and the id's start, within IFNAMSIZ's 15 characters. */
export function hostInterfaceName(id: string): string {
  return `veth${id.slice(0, 11)}`;
}

export interface VethPlan {
  hostInterface: string;
  mac: string;
  mtu: number;
}

/**
 * Seed 004's veth pair, in one `ip -batch`: the container's end is born in the init's
 * network namespace as `eth0` (no rename or move afterwards), the host's end joins the
 * bridge with hairpin on, so a container can reach its own published port, and goes up.
 * The pair dies with the namespace: a container that ends leaves no veth behind.
 */
export function attachVeth(
  bridge: BridgeSettings,
  initPid: number,
  plan: VethPlan,
  ip: StartedNetworkTool = startNetworkTool('ip', ['-batch', '-']),
): Promise<string> {
  const { hostInterface, mac, mtu } = plan;
  return withContextAsync(`connecting the container to ${bridge.name}`, () =>
    explainMissingModule(
      'veth',
      ip.run(
        [
          `link add name ${hostInterface} mtu ${mtu} type veth peer name eth0 mtu ${mtu} address ${mac} netns ${initPid}`,
          `link set dev ${hostInterface} master ${bridge.name}`,
          `link set dev ${hostInterface} type bridge_slave hairpin on`,
          `link set dev ${hostInterface} up`,
          '',
        ].join('\n'),
      ),
    ),
  );
}
