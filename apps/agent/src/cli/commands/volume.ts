import { formatBytes, type VolumeSummary } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { forEachOperand } from '../each-operand.js';
import { formatTable } from '../format.js';
import { parseFlags } from '../parse-flags.js';

const usage = `Usage: cove volume COMMAND

Manage named volumes: directories Cove keeps in its store, mounted with
-v NAME:/path[:ro]. One is made on its first use; it outlives the containers that use it
until it is removed, which is refused while any container (running or not) mounts it.

Commands:
  create   cove volume create NAME
  ls       List volumes (-q: names only, --format json)
  inspect  Show volumes as JSON: where their files are, their size, who uses them
  rm       Remove volumes no container uses
  prune    Remove every volume no container uses`;

export async function volume(agent: AgentConnection, args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'create':
      return create(agent, rest);
    case 'ls':
    case 'list':
      return list(agent, rest);
    case 'inspect':
      return inspect(agent, rest);
    case 'rm':
    case 'remove':
      return remove(agent, rest);
    case 'prune':
      return prune(agent, rest);
    case undefined:
    case '--help':
      console.log(usage);
      return command ? 0 : 1;
    default:
      throw new CliError(`cove volume: unknown command "${command}" (see cove volume --help)`);
  }
}

async function create(agent: AgentConnection, args: string[]): Promise<number> {
  const { rest } = parseFlags('volume create', args, []);
  if (rest.length !== 1) throw new CliError('cove volume create: expected one NAME');
  console.log((await agent.client.volumes.create.mutate({ name: rest[0] ?? '' })).name);
  return 0;
}

async function list(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags } = parseFlags('volume ls', args, [
    { long: 'quiet', short: 'q' },
    { long: 'format', value: true },
  ]);
  const volumes = await agent.client.volumes.list.query();
  if (flags.get('format')?.at(-1) === 'json') {
    console.log(JSON.stringify(volumes, null, 2));
  } else if (flags.has('quiet')) {
    for (const each of volumes) console.log(each.name);
  } else {
    const rows = volumes.map((each: VolumeSummary) => [
      each.name,
      formatBytes(each.sizeBytes),
      each.usedBy.map((user) => user.name).join(', '),
    ]);
    console.log(formatTable(['VOLUME NAME', 'SIZE', 'USED BY'], rows));
  }
  return 0;
}

async function inspect(agent: AgentConnection, args: string[]): Promise<number> {
  const { rest } = parseFlags('volume inspect', args, []);
  if (!rest.length) throw new CliError('cove volume inspect: name at least one volume');
  const found: VolumeSummary[] = [];
  const code = await forEachOperand(rest, async (name) => {
    found.push(await agent.client.volumes.inspect.query({ name }));
  });
  console.log(JSON.stringify(found, null, 2));
  return code;
}

async function remove(agent: AgentConnection, args: string[]): Promise<number> {
  const { rest } = parseFlags('volume rm', args, [{ long: 'force', short: 'f' }]);
  if (!rest.length) throw new CliError('cove volume rm: name at least one volume');
  return forEachOperand(rest, async (name) => {
    console.log((await agent.client.volumes.remove.mutate({ name })).name);
  });
}

async function prune(agent: AgentConnection, args: string[]): Promise<number> {
  parseFlags('volume prune', args, [{ long: 'force', short: 'f' }]);
  const { removed } = await agent.client.volumes.prune.mutate();
  if (removed.length) console.log(`Deleted Volumes:\n${removed.join('\n')}`);
  return 0;
}
