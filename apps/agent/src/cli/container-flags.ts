import {
  type ContainerSpecInput,
  NetworkModeSchema,
  parseDevice,
  parsePortMapping,
  parseRestartPolicy,
  parseTmpfs,
  parseVolume,
  userNetworkOf,
} from '@cove/shared';
import { CliError } from './cli-error.js';
import { callerEnvironmentValue } from './env.js';
import type { FlagSpec } from './parse-flags.js';
import { parseSecurityOpts } from './security-opt.js';

/** The options `cove create` and `cove run` share, as their help shows them. */
export const containerOptionsUsage = `Options:
  -e, --env KEY=VALUE      Set an environment variable (KEY alone copies yours)
  -h, --hostname NAME      The container's hostname (default: the short id)
  -i, --interactive        Keep stdin open and connected to the container
      --name NAME          Name the container
      --restart POLICY     no, always or on-failure[:N] (applied by the agent)
      --rm                 Remove the container when it exits
      --security-opt OPT   seccomp=PROFILE.json (Docker's format), seccomp=unconfined,
                           or no-new-privileges (always on in Cove)
  -t, --tty                Give the container a terminal (with -i: an interactive shell)
  -u, --user USER[:GROUP]  Run as this user (a name or a number)
  -v, --volume SRC:DST[:ro] Bind a host path into the container, or mount a named
                           volume (SRC a name: made on first use, see cove volume)
  -w, --workdir DIR        The working directory inside the container

Network (see docs/networking.md):
      --network MODE       bridge (default), none, host, container:NAME, or a network
                           made with cove network create (again: more networks)
      --network-alias A    Another name the container answers to on its network
      --ip IP              Its address on its network (a free one otherwise)
  -p, --publish [IP:][HOST:]CTR[/udp]
                           Publish a container port on the host (no HOST: a free one)
  -P, --publish-all        Publish every port the image exposes, on free host ports

Security (see docs/security.md):
      --cap-add CAP        Add a capability (NET_ADMIN, CAP_SYS_TIME, or ALL)
      --cap-drop CAP       Drop a capability from the default set (or ALL)
      --read-only          Mount the root filesystem read-only
      --tmpfs PATH[:OPTS]  Mount an empty tmpfs, e.g. /tmp:size=64m (noexec by default)
      --device HOST[:CONTAINER][:rwm]
                           Give the container a host device, e.g. /dev/fuse
      --oom-score-adj N    The OOM killer's preference, -1000 to 1000 (default 0)

Limits (enforced by the container's cgroup):
  -m, --memory SIZE        Memory limit: bytes, or 512k, 32m, 1g
      --memory-swap SIZE   Memory plus swap limit (at least --memory)
      --pids N             Most processes at once (also --pids-limit)
      --cpus N             CPU time, in cores (0.5 is half of one core)
  -c, --cpu-shares N       Relative CPU weight (default 1024)`;

export const containerFlagSpecs: FlagSpec[] = [
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
  { long: 'restart', value: true },
  { long: 'security-opt', value: true, repeatable: true },
  { long: 'cap-add', value: true, repeatable: true },
  { long: 'cap-drop', value: true, repeatable: true },
  { long: 'read-only' },
  { long: 'tmpfs', value: true, repeatable: true },
  { long: 'device', value: true, repeatable: true },
  { long: 'oom-score-adj', value: true },
  { long: 'network', value: true, repeatable: true },
  { long: 'net', value: true, repeatable: true },
  { long: 'network-alias', value: true, repeatable: true },
  { long: 'ip', value: true },
  { long: 'publish', short: 'p', value: true, repeatable: true },
  { long: 'publish-all', short: 'P' },
  { long: 'help' },
];

/** A numeric flag's value, or an error naming the flag and the text. */
function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new CliError(`--${flag} takes a number, not "${text}"`);
  }
  return value;
}

/** `-e KEY=VALUE` as given; `-e KEY` alone copies the caller's value, as Docker does. */
export function environmentEntries(values: string[]): string[] {
  return values.flatMap((entry) => {
    if (entry.includes('=')) return [entry];
    const value = callerEnvironmentValue(entry);
    return value === undefined ? [] : [`${entry}=${value}`];
  });
}

/** A shared parser's error, as the CLI's own: one line, no stack. */
function parsed<T>(parse: (text: string) => T) {
  return (text: string): T => {
    try {
      return parse(text);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  };
}

/** `--network` (or Docker's older `--net`), checked here so the error names the flag. */
function networkMode(text: string) {
  const parsed = NetworkModeSchema.safeParse(text);
  if (!parsed.success) {
    throw new CliError(
      `invalid --network "${text}": use bridge, none, host, container:NAME or a network's name (${parsed.error.issues[0]?.message})`,
    );
  }
  return parsed.data;
}

/**
 * `--network` once or more: the first is the container's network (eth0), each further
 * one a user-defined network on an interface of its own.
 */
function networkFlags(flags: Map<string, string[]>) {
  const [first, ...more] = [...(flags.get('network') ?? []), ...(flags.get('net') ?? [])].map(
    networkMode,
  );
  for (const name of more) {
    if (userNetworkOf(name) === undefined) {
      throw new CliError(
        `--network ${name}: only user-defined networks can be added to a first --network`,
      );
    }
  }
  return {
    network: first,
    networkAliases: flags.get('network-alias') ?? [],
    ip: flags.get('ip')?.at(-1),
    moreNetworks: more.map((network) => ({ network })),
  };
}

function toRestartPolicy(text: string | undefined) {
  if (text === undefined) return undefined;
  try {
    return parseRestartPolicy(text);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** The container spec a `create` or `run` command line asks for. */
export function specFromFlags(
  flags: Map<string, string[]>,
  image: string,
  command: string[],
): ContainerSpecInput {
  const one = (name: string) => flags.get(name)?.at(-1);
  return {
    image,
    command,
    name: one('name'),
    hostname: one('hostname'),
    env: environmentEntries(flags.get('env') ?? []),
    volumes: (flags.get('volume') ?? []).map(parsed(parseVolume)),
    workdir: one('workdir'),
    user: one('user'),
    autoRemove: flags.has('rm'),
    tty: flags.has('tty'),
    restart: toRestartPolicy(one('restart')),
    seccomp: parseSecurityOpts(flags.get('security-opt') ?? []).seccomp,
    capAdd: flags.get('cap-add') ?? [],
    capDrop: flags.get('cap-drop') ?? [],
    readOnly: flags.has('read-only'),
    tmpfs: (flags.get('tmpfs') ?? []).map(parsed(parseTmpfs)),
    devices: (flags.get('device') ?? []).map(parsed(parseDevice)),
    oomScoreAdj: numberFlag('oom-score-adj', one('oom-score-adj')),
    ...networkFlags(flags),
    ports: (flags.get('publish') ?? []).map(parsed(parsePortMapping)),
    publishAll: flags.has('publish-all'),
    limits: {
      memory: one('memory'),
      memorySwap: one('memory-swap'),
      pids: numberFlag('pids', one('pids') ?? one('pids-limit')),
      cpus: numberFlag('cpus', one('cpus')),
      cpuShares: numberFlag('cpu-shares', one('cpu-shares')),
    },
  };
}
