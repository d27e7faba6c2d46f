import { TRPCClientError } from '@trpc/client';
import { type AgentAddress, findAgent } from './agent/agent-address.js';
import { type AgentConnection, connectToAgent, unreachable } from './agent/agent-connection.js';
import { CliError } from './cli-error.js';
import { create } from './commands/create.js';
import { exec } from './commands/exec.js';
import { image } from './commands/image.js';
import { imageImport } from './commands/image-import.js';
import { images } from './commands/images.js';
import { inspect } from './commands/inspect.js';
import { login, logout } from './commands/login.js';
import { logs } from './commands/logs.js';
import { network } from './commands/network.js';
import { pause } from './commands/pause.js';
import { port } from './commands/port.js';
import { ps } from './commands/ps.js';
import { pull } from './commands/pull.js';
import { rm } from './commands/rm.js';
import { rmi } from './commands/rmi.js';
import { run } from './commands/run.js';
import { start } from './commands/start.js';
import { stats } from './commands/stats.js';
import { kill, restart, stop } from './commands/stop.js';
import { trace } from './commands/trace.js';
import { volume } from './commands/volume.js';
import { env } from './env.js';
import { parseFlags } from './parse-flags.js';

const usage = `Usage: cove [--root DIR] COMMAND [--root DIR] [OPTIONS]

A container manager with an engine of its own.

Commands:
  agent     Run the agent: the API and the dashboard (--listen, --socket, --allow-origin)
  run       Create and run a new container (-it: with a terminal)
  create    Create a container without starting it
  start     Start created or stopped containers
  stop      Stop containers: SIGTERM, then SIGKILL after -t SECONDS
  restart   Stop and start containers
  kill      Send a signal to containers (-s SIGNAL, default KILL)
  exec      Run a command in a running container (-it: with a terminal)
  ps        List containers (-a: all, also stopped)
  rm        Remove containers (-f: kill running ones first)
  logs      Print the output of a detached container
  inspect   Show a container's record as JSON: limits, state, network, cgroup paths
  trace     Show a container's last start step by step, with its system calls
  port      Show where a container's ports are published on the host
  stats     Live memory, pids and cpu of running containers (--no-stream, --format json)
  pause     Freeze every process of a container
  unpause   Thaw a paused container
  images    List images and the disk they use (also: cove image ls)
  pull      Download an image from a registry (--insecure: plain HTTP, loopback only)
  import    Import an image archive: cove image import FILE NAME[:TAG]
  rmi       Remove images no container uses
  network   Manage networks: create, ls, inspect, rm, prune, connect, disconnect
  volume    Manage named volumes: create, ls, inspect, rm, prune
  login     Log in to a registry (logout: forget the login)

Options:
  --root DIR   The store (default: $COVE_ROOT or /var/lib/cove)

Every command but agent asks the agent: at $COVE_URL (default http://127.0.0.1:7777,
or unix:///PATH), with the token from $COVE_TOKEN or the store's agent.token.

Run 'cove COMMAND --help' for more on a command.`;

type Command = (agent: AgentConnection, args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  run,
  create,
  start,
  stop,
  restart,
  kill,
  exec,
  ps,
  rm,
  logs,
  inspect,
  trace,
  port,
  stats,
  pause: (agent, args) => pause(agent, args, true),
  unpause: (agent, args) => pause(agent, args, false),
  images,
  image,
  import: imageImport,
  pull,
  rmi,
  network,
  volume,
  login,
  logout,
};

let address: AgentAddress | undefined;

async function main(argv: string[]): Promise<number> {
  const { flags, rest } = parseFlags('', argv, [{ long: 'root', value: true }, { long: 'help' }]);
  const [command, ...afterCommand] = rest;
  if (!command || flags.has('help')) {
    console.log(usage);
    return command || flags.has('help') ? 0 : 1;
  }
  const { root: rootAfterCommand, args } = takeLeadingRoot(afterCommand);
  const root = rootAfterCommand ?? flags.get('root')?.at(-1) ?? env.COVE_ROOT;
  if (command === 'agent') {
    if (process.geteuid?.() !== 0) {
      throw new CliError(
        'cove agent must run as root: it creates namespaces, mounts and cgroups (try sudo)',
      );
    }
    // Loaded only here: the engine and the server are the agent's, not the client's.
    const { agent } = await import('./commands/agent.js');
    return agent(root, args);
  }
  const run = commands[command];
  if (!run) throw new CliError(`cove: unknown command "${command}" (see cove --help)`);
  address = findAgent(root);
  const connection = connectToAgent(address);
  try {
    return await run(connection, args);
  } finally {
    connection.close();
  }
}

/**
 * `--root DIR` is a global flag, but people write it after the command too (`cove agent
 * --root DIR`, `cove ps --root DIR`): taken from the command's leading arguments, where it
 * cannot be a container's own argument.
 */
function takeLeadingRoot(args: string[]): { root?: string; args: string[] } {
  let root: string | undefined;
  let index = 0;
  while (index < args.length) {
    const arg = args[index] ?? '';
    if (arg === '--root') {
      root = args[index + 1];
      if (root === undefined) throw new CliError('cove: flag --root needs a value');
      index += 2;
    } else if (arg.startsWith('--root=')) {
      root = arg.slice('--root='.length);
      index += 1;
    } else break;
  }
  return { root, args: args.slice(index) };
}

/** What went wrong, in one line, and the exit code to leave with. */
function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof TRPCClientError) {
    const data = error.data as { exitCode?: number; httpStatus?: number } | undefined;
    if (data?.httpStatus === 401) {
      return {
        message: `the agent at ${address?.shown} refused the token: is COVE_TOKEN, or the store's agent.token, this agent's?`,
        exitCode: 125,
      };
    }
    if (!data && address) {
      // No answer at all: the request never reached an agent.
      const cause = (error.cause as { cause?: unknown } | undefined)?.cause ?? error.cause;
      return { message: unreachable(address, cause).message, exitCode: 125 };
    }
    return { message: error.message, exitCode: data?.exitCode ?? 125 };
  }
  return { message: (error as Error).message, exitCode: 125 };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { message, exitCode } = describeFailure(error);
    console.error(message.startsWith('cove') ? message : `cove: ${message}`);
    process.exitCode = exitCode;
  },
);
