import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { parseFlags } from '../parse-flags.js';

function timeoutFlag(flags: Map<string, string[]>): number {
  const text = flags.get('time')?.at(-1) ?? '10';
  if (!/^\d+$/.test(text)) throw new CliError(`--time takes whole seconds, not "${text}"`);
  return Number(text);
}

/** `cove stop [-t SECONDS]`: SIGTERM, then SIGKILL to every process after the grace period. */
export async function stop(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('stop', args, [{ long: 'time', short: 't', value: true }]);
  if (!rest.length) throw new CliError('cove stop: name at least one container');
  const timeoutSeconds = timeoutFlag(flags);
  for (const reference of rest) {
    await agent.client.containers.stop.mutate({ id: reference, timeoutSeconds });
    console.log(reference);
  }
  return 0;
}

/** `cove restart [-t SECONDS]`: stop, then start in the background. */
export async function restart(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('restart', args, [{ long: 'time', short: 't', value: true }]);
  if (!rest.length) throw new CliError('cove restart: name at least one container');
  const timeoutSeconds = timeoutFlag(flags);
  for (const reference of rest) {
    await agent.client.containers.restart.mutate({ id: reference, timeoutSeconds });
    console.log(reference);
  }
  return 0;
}

/** `cove kill [-s SIGNAL]`: a signal (default KILL) to each container's PID 1. */
export async function kill(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('kill', args, [{ long: 'signal', short: 's', value: true }]);
  if (!rest.length) throw new CliError('cove kill: name at least one container');
  const signal = flags.get('signal')?.at(-1) ?? 'KILL';
  for (const reference of rest) {
    await agent.client.containers.kill.mutate({ id: reference, signal });
    console.log(reference);
  }
  return 0;
}
