import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';

export async function inspect(agent: AgentConnection, args: string[]): Promise<number> {
  if (!args.length) throw new CliError('cove inspect: name at least one container');
  const records = await Promise.all(
    args.map((id) => agent.client.containers.inspect.query({ id })),
  );
  console.log(JSON.stringify(records, null, 2));
  return 0;
}
