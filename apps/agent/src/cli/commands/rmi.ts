import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { forEachOperand } from '../each-operand.js';
import { parseFlags } from '../parse-flags.js';

const usage = `Usage: cove rmi IMAGE [IMAGE...]

Remove images, and the layers no other image needs. An image a container (running or
not) was made from is kept until the container is removed.`;

export async function rmi(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('rmi', args, [{ long: 'help' }]);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  if (!rest.length) throw new CliError('cove rmi: name at least one image');
  return forEachOperand(rest, async (reference) => {
    const removed = await agent.client.images.remove.mutate({ reference });
    console.log(`Untagged: ${removed.reference}`);
    for (const layer of removed.removedLayers) console.log(`Deleted: ${layer}`);
  });
}
