import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { forEachOperand } from '../each-operand.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

const flagSpecs: FlagSpec[] = [{ long: 'force', short: 'f' }];

export async function rm(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('rm', args, flagSpecs);
  if (!rest.length) throw new CliError('cove rm: name at least one container');
  return forEachOperand(rest, async (reference) => {
    await agent.client.containers.remove.mutate({ id: reference, force: flags.has('force') });
    console.log(reference);
  });
}
