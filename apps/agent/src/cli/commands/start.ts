import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';

/**
 * `cove start`: starts created or exited containers in the background, their output
 * going to their logs (a `-t` container's terminal is held by the agent: attach to it
 * from the dashboard).
 */
export async function start(agent: AgentConnection, args: string[]): Promise<number> {
  if (!args.length) throw new CliError('cove start: name at least one container');
  for (const reference of args) {
    await agent.client.containers.start.mutate({ id: reference });
    console.log(reference);
  }
  return 0;
}
