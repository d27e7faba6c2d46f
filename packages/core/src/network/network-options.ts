import type { NetworkMode } from '@cove/shared';
import type { BridgeSettings } from './bridge-settings.js';

/** An engine's network choices, and what it learned about the host's side once. */
export interface NetworkContext {
  /** The mode of a container created without `--network` (the agent's `--default-network`). */
  defaultMode: NetworkMode;
  /** `--bridge-subnet`: replaces the subnet kept in the store. */
  bridgeSubnet?: string;
  /** The default bridge's settings, once this engine has read or chosen them. */
  defaultBridge?: BridgeSettings;
  /**
   * Cove's firewall table, written anew once per engine with every bridge and running
   * port; one promise, so starts that run at once write it once. It gives the names of
   * the bridges it was written with.
   */
  tableReady?: Promise<ReadonlySet<string>>;
  /** Each bridge, checked or made with its sysctls once per engine, by name. */
  bridgesReady: Map<string, Promise<void>>;
  /** Network creates and removes, one at a time: each subnet is chosen against the others. */
  changes: Promise<unknown>;
}
