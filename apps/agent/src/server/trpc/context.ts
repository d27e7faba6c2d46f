import type { Engine } from '@cove/core';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import type { NameService } from '../names/name-service.js';
import type { StdinRegistry } from '../processes/stdin-registry.js';
import type { StatsSampler } from '../stats/stats-sampler.js';
import type { StoreUsage } from '../stats/store-usage.js';
import type { TerminalManager } from '../terminals/terminal-manager.js';

/** What every procedure works with. Authentication happens before a request gets here. */
export interface AgentContext {
  engine: Engine;
  stats: StatsSampler;
  /** The store's disk usage, measured in the background. */
  storeUsage: StoreUsage;
  events: EventBus;
  terminals: TerminalManager;
  /** Cove's DNS on each user-defined network. */
  names: NameService;
  /** Inputs of processes started with their stdin attached. */
  stdin: StdinRegistry;
  log: Logger;
  version: string;
  /**
   * On a WebSocket opened with a browser session: whether that session still holds. The
   * socket is closed when the session ends; this refuses calls already on their way.
   */
  sessionHolds?: () => boolean;
}
