import { type PublishedPort, parsePortMapping } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';

const line = (port: PublishedPort) =>
  `${port.containerPort}/${port.protocol} -> ${port.hostIp}:${port.hostPort}`;

/**
 * `cove port NAME [PORT[/PROTO]]`: where the container's published ports are on the
 * host, as `docker port` prints them (`80/tcp -> 0.0.0.0:8080`).
 */
export async function port(agent: AgentConnection, args: string[]): Promise<number> {
  const [reference, wanted, ...extra] = args;
  if (!reference || extra.length > 0) {
    throw new CliError('usage: cove port CONTAINER [PORT[/tcp|/udp]]');
  }
  const record = await agent.client.containers.inspect.query({ id: reference });
  const running = record.state.status === 'running' || record.state.status === 'paused';
  const published = running ? (record.network?.ports ?? []) : [];
  if (wanted === undefined) {
    for (const each of published) console.log(line(each));
    return 0;
  }
  let asked: ReturnType<typeof parsePortMapping>;
  try {
    asked = parsePortMapping(wanted);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const matching = published.filter(
    (each) => each.containerPort === asked.containerPort && each.protocol === asked.protocol,
  );
  if (!matching.length) {
    throw new CliError(
      `container ${record.name} does not publish ${asked.containerPort}/${asked.protocol}`,
      1,
    );
  }
  for (const each of matching) console.log(`${each.hostIp}:${each.hostPort}`);
  return 0;
}
