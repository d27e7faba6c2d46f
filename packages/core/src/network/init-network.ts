import type { ContainerInterface } from './configure-container-interface.js';

/** What a container on a user-defined network puts in /etc/resolv.conf: Cove's DNS. */
export interface ContainerResolver {
  nameserver: string;
  search: string;
}

/**
 * What the init does about networking, decided by the engine:
 * - `none`: a network namespace of its own with only `lo`;
 * - `bridge`: the same, then it waits for the engine to attach its veths (the mark
 *   INIT_WANTS_NETWORK) and gives each end its address, the first its default route;
 *   on a user-defined network its resolver is Cove's DNS;
 * - `host`: no network namespace of its own;
 * - `join`: the network namespace of another container's PID 1, checked by start time.
 */
export type InitNetwork =
  | { kind: 'none' }
  | { kind: 'bridge'; interfaces: ContainerInterface[]; resolver?: ContainerResolver }
  | { kind: 'host' }
  | { kind: 'join'; pid: number; startTime: string };
