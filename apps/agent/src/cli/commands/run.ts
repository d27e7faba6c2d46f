import type { Engine } from '@cove/core';
import { CoveError } from '@cove/core';
import { type ContainerSpecInput, parseVolume } from '@cove/shared';
import { callerEnvironmentValue } from '../env.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

export const runUsage = `Usage: cove run [OPTIONS] IMAGE [COMMAND] [ARG...]

Create and run a new container.

Options:
  -d, --detach             Run in the background and print the container's id
  -e, --env KEY=VALUE      Set an environment variable (KEY alone copies yours)
  -h, --hostname NAME      The container's hostname (default: the short id)
  -i, --interactive        Keep stdin open and connected to the container
      --name NAME          Name the container
      --rm                 Remove the container when it exits
  -u, --user USER[:GROUP]  Run as this user (a name or a number)
  -v, --volume SRC:DST[:ro] Bind a host path into the container
  -w, --workdir DIR        The working directory inside the container

Limits (enforced by the container's cgroup):
  -m, --memory SIZE        Memory limit: bytes, or 512k, 32m, 1g
      --memory-swap SIZE   Memory plus swap limit (at least --memory)
      --pids N             Most processes at once (also --pids-limit)
      --cpus N             CPU time, in cores (0.5 is half of one core)
  -c, --cpu-shares N       Relative CPU weight (default 1024)`;

const flagSpecs: FlagSpec[] = [
  { long: 'detach', short: 'd' },
  { long: 'env', short: 'e', value: true, repeatable: true },
  { long: 'hostname', short: 'h', value: true },
  { long: 'interactive', short: 'i' },
  { long: 'tty', short: 't' },
  { long: 'name', value: true },
  { long: 'rm' },
  { long: 'user', short: 'u', value: true },
  { long: 'volume', short: 'v', value: true, repeatable: true },
  { long: 'workdir', short: 'w', value: true },
  { long: 'memory', short: 'm', value: true },
  { long: 'memory-swap', value: true },
  { long: 'pids', value: true },
  { long: 'pids-limit', value: true },
  { long: 'cpus', value: true },
  { long: 'cpu-shares', short: 'c', value: true },
  { long: 'help' },
];

/** A numeric flag's value, or an error naming the flag and the text. */
function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new CoveError(`cove run: --${flag} takes a number, not "${text}"`);
  }
  return value;
}

function environmentEntries(values: string[]): string[] {
  return values.flatMap((entry) => {
    if (entry.includes('=')) return [entry];
    const value = callerEnvironmentValue(entry);
    return value === undefined ? [] : [`${entry}=${value}`];
  });
}

function toVolume(text: string) {
  try {
    return parseVolume(text);
  } catch (error) {
    throw new CoveError(`cove run: ${(error as Error).message}`);
  }
}

export async function run(engine: Engine, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('run', args, flagSpecs);
  if (flags.has('help')) {
    console.log(runUsage);
    return 0;
  }
  const [image, ...command] = rest;
  if (!image)
    throw new CoveError('cove run: an image is required: cove run [OPTIONS] IMAGE [COMMAND...]');
  if (flags.has('tty')) {
    throw new CoveError(
      'cove run: -t (a terminal) is not supported yet; run without -t, with -i for stdin',
    );
  }
  const detach = flags.has('detach');
  if (detach && flags.has('rm')) {
    throw new CoveError(
      'cove run: --rm with -d needs the Cove agent to wait for the container; use one of them',
    );
  }
  const one = (name: string) => flags.get(name)?.at(-1);
  const spec: ContainerSpecInput = {
    image,
    command,
    name: one('name'),
    hostname: one('hostname'),
    env: environmentEntries(flags.get('env') ?? []),
    volumes: (flags.get('volume') ?? []).map(toVolume),
    workdir: one('workdir'),
    user: one('user'),
    autoRemove: flags.has('rm'),
    limits: {
      memory: one('memory'),
      memorySwap: one('memory-swap'),
      pids: numberFlag('pids', one('pids') ?? one('pids-limit')),
      cpus: numberFlag('cpus', one('cpus')),
      cpuShares: numberFlag('cpu-shares', one('cpu-shares')),
    },
  };
  const container = await engine.run(
    spec,
    detach ? { kind: 'log' } : { kind: 'inherit', stdin: flags.has('interactive') },
  );
  if (detach) {
    console.log(container.id);
    container.detach();
    return 0;
  }
  // Like `docker run`'s signal proxy: what the CLI is sent, the container's PID 1 gets.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) {
    process.on(signal, () => process.kill(container.pid, signal));
  }
  return container.exited;
}
