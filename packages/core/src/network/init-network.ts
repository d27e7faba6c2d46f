import type { ContainerInterface } from './configure-container-interface.js';

/**
 * What the init does about networking, decided by the engine:
 * - `none`: a network namespace of its own with only `lo`;
 * - `bridge`: the same, then it waits for the engine to attach its veth (the mark
 *   INIT_WANTS_NETWORK) and gives that end its address and default route;
 * - `host`: no network namespace of its own;
 * - `join`: the network namespace of another container's PID 1, checked by start time.
 */
export type InitNetwork =
  | { kind: 'none' }
  | { kind: 'bridge'; interface: ContainerInterface }
  | { kind: 'host' }
  | { kind: 'join'; pid: number; startTime: string };
