import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { containerFlagSpecs, containerOptionsUsage, specFromFlags } from '../container-flags.js';
import { parseFlags } from '../parse-flags.js';

const usage = `Usage: cove create [OPTIONS] IMAGE [COMMAND] [ARG...]

Create a container without starting it (cove start starts it).

${containerOptionsUsage}`;

export async function create(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('create', args, containerFlagSpecs);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const [image, ...command] = rest;
  if (!image)
    throw new CliError('cove create: an image is required: cove create IMAGE [COMMAND...]');
  const spec = specFromFlags(flags, image, command);
  console.log((await agent.client.containers.create.mutate({ spec, start: false })).id);
  return 0;
}
