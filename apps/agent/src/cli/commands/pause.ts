import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';

export async function pause(
  agent: AgentConnection,
  args: string[],
  paused: boolean,
): Promise<number> {
  const verb = paused ? 'pause' : 'unpause';
  if (!args.length) throw new CliError(`cove ${verb}: name at least one container`);
  for (const id of args) {
    await (paused
      ? agent.client.containers.pause.mutate({ id })
      : agent.client.containers.unpause.mutate({ id }));
    console.log(id);
  }
  return 0;
}
