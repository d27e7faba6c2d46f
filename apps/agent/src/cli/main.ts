import { CoveError, createEngine, exitCodeOf } from '@cove/core';
import { agent } from './commands/agent.js';
import { create } from './commands/create.js';
import { exec } from './commands/exec.js';
import { image } from './commands/image.js';
import { imageImport } from './commands/image-import.js';
import { images } from './commands/images.js';
import { inspect } from './commands/inspect.js';
import { login, logout } from './commands/login.js';
import { logs } from './commands/logs.js';
import { pause } from './commands/pause.js';
import { ps } from './commands/ps.js';
import { pull } from './commands/pull.js';
import { rm } from './commands/rm.js';
import { rmi } from './commands/rmi.js';
import { run } from './commands/run.js';
import { start } from './commands/start.js';
import { stats } from './commands/stats.js';
import { kill, restart, stop } from './commands/stop.js';
import { env } from './env.js';
import { parseFlags } from './parse-flags.js';

const usage = `Usage: cove [--root DIR] COMMAND

A container manager with an engine of its own.

Commands:
  agent     Run the agent: the API and the dashboard (--listen HOST:PORT)
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
  inspect   Show a container's record as JSON: limits, state, OOMKilled, cgroup paths
  stats     Live memory, pids and cpu of running containers (--no-stream, --format json)
  pause     Freeze every process of a container
  unpause   Thaw a paused container
  images    List images and the disk they use (also: cove image ls)
  pull      Download an image from a registry (--insecure: plain HTTP, loopback only)
  import    Import an image archive: cove image import FILE NAME[:TAG]
  rmi       Remove images no container uses
  login     Log in to a registry (logout: forget the login)

Options:
  --root DIR   The store (default: $COVE_ROOT or /var/lib/cove)

Run 'cove COMMAND --help' for more on a command.`;

async function main(argv: string[]): Promise<number> {
  const { flags, rest } = parseFlags('', argv, [{ long: 'root', value: true }, { long: 'help' }]);
  const [command, ...args] = rest;
  if (!command || flags.has('help')) {
    console.log(usage);
    return command || flags.has('help') ? 0 : 1;
  }
  if (process.geteuid?.() !== 0) {
    throw new CoveError(
      'cove must run as root: it creates namespaces, mounts and cgroups (try sudo)',
    );
  }
  const root = flags.get('root')?.at(-1) ?? env.COVE_ROOT;
  if (command === 'agent') return agent(root, args);
  const engine = createEngine({ root });
  switch (command) {
    case 'run':
      return run(engine, args);
    case 'create':
      return create(engine, args);
    case 'start':
      return start(engine, args);
    case 'stop':
      return stop(engine, args);
    case 'restart':
      return restart(engine, args);
    case 'kill':
      return kill(engine, args);
    case 'exec':
      return exec(engine, args);
    case 'ps':
      return ps(engine, args);
    case 'rm':
      return rm(engine, args);
    case 'logs':
      return logs(engine, args);
    case 'inspect':
      return inspect(engine, args);
    case 'stats':
      return stats(engine, args);
    case 'pause':
      return pause(engine, args, true);
    case 'unpause':
      return pause(engine, args, false);
    case 'images':
      return images(engine, args);
    case 'image':
      return image(engine, args);
    case 'import':
      return imageImport(engine, args);
    case 'pull':
      return pull(engine, args);
    case 'rmi':
      return rmi(engine, args);
    case 'login':
      return login(engine, args);
    case 'logout':
      return logout(engine, args);
    default:
      throw new CoveError(`cove: unknown command "${command}" (see cove --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = (error as Error).message;
    console.error(message.startsWith('cove') ? message : `cove: ${message}`);
    process.exitCode = exitCodeOf(error);
  },
);
