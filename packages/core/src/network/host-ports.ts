import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { formatPublishedPort, type PortMapping, type PublishedPort } from '@cove/shared';
import { CoveError } from '../errors.js';

/**
 * Binds `hostIp:port` for a moment in this process's network namespace, as a host
 * process would: the port it got (a free one for port 0), or EADDRINUSE's error.
 */
function tryBind(hostIp: string, port: number, protocol: 'tcp' | 'udp'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (protocol === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', (error) => {
        socket.close();
        reject(error);
      });
      socket.bind({ address: hostIp, port, exclusive: true }, () => {
        const bound = socket.address().port;
        socket.close(() => resolve(bound));
      });
      return;
    }
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: hostIp, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

function clashes(a: PublishedPort, b: PublishedPort): boolean {
  return (
    a.hostPort === b.hostPort &&
    a.protocol === b.protocol &&
    (a.hostIp === '0.0.0.0' || b.hostIp === '0.0.0.0' || a.hostIp === b.hostIp)
  );
}

/**
 * The host ports a container publishes this start: `-p` as given, `-p CTR` and `-P` on
 * a free port the kernel picks. A port another container publishes, or a host process
 * holds, is refused with one line naming it.
 */
export async function chooseHostPorts(
  wanted: PortMapping[],
  inUseByContainers: Array<PublishedPort & { container: string }>,
): Promise<PublishedPort[]> {
  const chosen: PublishedPort[] = [];
  for (const mapping of wanted) {
    const hostIp = mapping.hostIp ?? '0.0.0.0';
    const protocol = mapping.protocol ?? 'tcp';
    if (mapping.hostPort !== undefined) {
      const port: PublishedPort = { ...mapping, hostIp, hostPort: mapping.hostPort, protocol };
      const holder = inUseByContainers.find((other) => clashes(other, port));
      if (holder) {
        throw new CoveError(
          `host port ${hostIp}:${port.hostPort}/${protocol} is already published by container ${holder.container}`,
        );
      }
      await tryBind(hostIp, port.hostPort, protocol).catch((error: NodeJS.ErrnoException) => {
        throw new CoveError(
          error.code === 'EADDRINUSE'
            ? `host port ${hostIp}:${port.hostPort}/${protocol} is in use by a host process`
            : `host port ${hostIp}:${port.hostPort}/${protocol} cannot be published: ${error.message}`,
        );
      });
      chosen.push(port);
      continue;
    }
    // A free port from the kernel, not one another container or this start took already.
    for (let attempt = 0; ; attempt++) {
      const hostPort = await tryBind(hostIp, 0, protocol).catch((error: Error) => {
        throw new CoveError(`no free host port on ${hostIp}/${protocol}: ${error.message}`);
      });
      const port: PublishedPort = { ...mapping, hostIp, hostPort, protocol };
      const taken = [...inUseByContainers, ...chosen].some((other) => clashes(other, port));
      if (!taken) {
        chosen.push(port);
        break;
      }
      if (attempt === 20)
        throw new CoveError(`no free host port found for ${formatPublishedPort(port)}`);
    }
  }
  return chosen;
}
