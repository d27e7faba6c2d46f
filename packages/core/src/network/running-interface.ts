import { processStartTime } from '../container/process-identity.js';
import { CoveError, withContextAsync } from '../errors.js';
import type { ContainerInterface } from './configure-container-interface.js';
import { runNetworkTool } from './network-tool.js';

/**
 * `network connect` on a running container: the engine made the veth with this end in
 * the container's namespace; its address goes on from inside, with iproute2 run in that
 * namespace (the agent is multithreaded: setns(2) there would move one thread only).
 * The PID is checked against the start time the record keeps, so a reused PID is refused.
 */
export async function configureRunningInterface(
  pid: number,
  startTime: string | undefined,
  wanted: ContainerInterface,
): Promise<void> {
  if (!startTime || processStartTime(pid) !== startTime) {
    throw new CoveError(`the container's PID 1 (${pid}) is gone`);
  }
  await withContextAsync(`configuring ${wanted.name} in the container`, () =>
    runNetworkTool(
      'nsenter',
      [`--net=/proc/${pid}/ns/net`, '--', 'ip', '-batch', '-'],
      `addr add ${wanted.address}/${wanted.prefixLength} dev ${wanted.name}\nlink set dev ${wanted.name} up\n`,
    ),
  );
}
