import type { NetworkSummary } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { forEachOperand } from '../each-operand.js';
import { formatTable } from '../format.js';
import { parseFlags } from '../parse-flags.js';

const usage = `Usage: cove network COMMAND

Manage networks. Containers on a user-defined network reach each other by name (Cove's
DNS on the network's gateway) and are kept apart from every other network.

Commands:
  create      cove network create [--subnet CIDR] [--gateway IP] [--internal] NAME
  ls          List networks (-q: names only, --format json)
  inspect     Show networks as JSON, with their containers
  rm          Remove networks no container is on
  prune       Remove every user-defined network no container is on
  connect     cove network connect [--alias A] [--ip IP] NETWORK CONTAINER
  disconnect  cove network disconnect NETWORK CONTAINER

See docs/networking.md.`;

export async function network(agent: AgentConnection, args: string[]): Promise<number> {
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
    case 'connect':
      return connect(agent, rest);
    case 'disconnect':
      return disconnect(agent, rest);
    case undefined:
    case '--help':
      console.log(usage);
      return command ? 0 : 1;
    default:
      throw new CliError(`cove network: unknown command "${command}" (see cove network --help)`);
  }
}

/** One NAME (or NAME and CONTAINER) after the flags, or an error saying what is missing. */
function operands(who: string, rest: string[], count: number, what: string): string[] {
  if (rest.length !== count) throw new CliError(`cove network ${who}: expected ${what}`);
  return rest;
}

async function create(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('network create', args, [
    { long: 'subnet', value: true },
    { long: 'gateway', value: true },
    { long: 'internal' },
    { long: 'driver', short: 'd', value: true },
    { long: 'help' },
  ]);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const driver = flags.get('driver')?.at(-1);
  if (driver && driver !== 'bridge') {
    throw new CliError(`cove network create: driver "${driver}" is not supported (bridge is)`);
  }
  const [name = ''] = operands('create', rest, 1, 'one NAME');
  const created = await agent.client.networks.create.mutate({
    name,
    subnet: flags.get('subnet')?.at(-1),
    gateway: flags.get('gateway')?.at(-1),
    internal: flags.has('internal'),
  });
  console.log(created.id);
  return 0;
}

async function list(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags } = parseFlags('network ls', args, [
    { long: 'quiet', short: 'q' },
    { long: 'format', value: true },
    { long: 'help' },
  ]);
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const networks = await agent.client.networks.list.query();
  if (flags.get('format')?.at(-1) === 'json') {
    console.log(JSON.stringify(networks, null, 2));
  } else if (flags.has('quiet')) {
    for (const each of networks) console.log(each.name);
  } else {
    const rows = networks.map((each: NetworkSummary) => [
      each.id.slice(0, 12),
      each.name,
      each.driver,
      each.subnet ?? '',
      each.gateway ?? '',
      each.internal ? 'yes' : '',
      String(each.members.length),
    ]);
    console.log(
      formatTable(
        ['NETWORK ID', 'NAME', 'DRIVER', 'SUBNET', 'GATEWAY', 'INTERNAL', 'CONTAINERS'],
        rows,
      ),
    );
  }
  return 0;
}

async function inspect(agent: AgentConnection, args: string[]): Promise<number> {
  const { rest } = parseFlags('network inspect', args, []);
  if (!rest.length) throw new CliError('cove network inspect: name at least one network');
  const found: NetworkSummary[] = [];
  const code = await forEachOperand(rest, async (id) => {
    found.push(await agent.client.networks.inspect.query({ id }));
  });
  console.log(JSON.stringify(found, null, 2));
  return code;
}

async function remove(agent: AgentConnection, args: string[]): Promise<number> {
  const { rest } = parseFlags('network rm', args, []);
  if (!rest.length) throw new CliError('cove network rm: name at least one network');
  return forEachOperand(rest, async (id) => {
    console.log((await agent.client.networks.remove.mutate({ id })).name);
  });
}

async function prune(agent: AgentConnection, args: string[]): Promise<number> {
  parseFlags('network prune', args, [{ long: 'force', short: 'f' }]);
  const { removed } = await agent.client.networks.prune.mutate();
  if (removed.length) console.log(`Deleted Networks:\n${removed.join('\n')}`);
  return 0;
}

async function connect(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('network connect', args, [
    { long: 'alias', value: true, repeatable: true },
    { long: 'ip', value: true },
  ]);
  const [networkName = '', container = ''] = operands('connect', rest, 2, 'NETWORK CONTAINER');
  await agent.client.networks.connect.mutate({
    network: networkName,
    container,
    aliases: flags.get('alias') ?? [],
    ip: flags.get('ip')?.at(-1),
  });
  return 0;
}

async function disconnect(agent: AgentConnection, args: string[]): Promise<number> {
  const { rest } = parseFlags('network disconnect', args, [{ long: 'force', short: 'f' }]);
  const [networkName = '', container = ''] = operands('disconnect', rest, 2, 'NETWORK CONTAINER');
  await agent.client.networks.disconnect.mutate({ network: networkName, container });
  return 0;
}
