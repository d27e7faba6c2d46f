import type { NetworkMode } from '@cove/shared';
import type { BridgeSettings } from './bridge-settings.js';

/** An engine's network choices, and what it learned about the host's side once. */
export interface NetworkContext {
  /** The mode of a container created without `--network` (the agent's `--default-network`). */
  defaultMode: NetworkMode;
  /** `--bridge-subnet`: replaces the subnet kept in the store. */
  bridgeSubnet?: string;
  /**
   * The bridge, checked or made by this engine, with its sysctls and firewall table; one
   * promise, so starts that run at once make it once.
   */
  bridgeReady?: Promise<BridgeSettings>;
}
