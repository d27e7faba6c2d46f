import { type ChildProcess, type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { CoveResult } from './cove-cli.js';
import { endStoreProcesses } from './store-leftovers.js';

const coveBin = fileURLToPath(new URL('../../../bin/cove.js', import.meta.url));

/** Addresses inside the lab's own namespaces (documentation ranges, never routed out). */
export const lab = {
  hostOutside: '192.0.2.1',
  client: '192.0.2.2',
  hostWan: '198.51.100.1',
  internet: '198.51.100.2',
  /** The MTU of the "host"'s default-route interface, which containers must get. */
  wanMtu: 1400,
} as const;

/** A network namespace held open by a `sleep` in it, ended by its own PID. */
function holdNamespace(): ChildProcess {
  return spawn('unshare', ['--net', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
}

/**
 * Three network namespaces of the test's own, never the machine's: "host" (where the
 * agent runs, with its bridge, nft table and sysctls), "client" (an outside machine on
 * the host's 192.0.2.0/24 side) and "internet" (behind the host's default route, with no
 * route back to the bridge: only the masquerade lets containers reach it). The agent is
 * reached over a unix socket, which does not care about network namespaces.
 */
export async function startNetworkLab() {
  const holders = { host: holdNamespace(), client: holdNamespace(), internet: holdNamespace() };
  type Place = keyof typeof holders;
  const nsPath = (place: Place) => `/proc/${holders[place].pid}/ns/net`;
  // unshare execs sleep: once its namespace differs from ours, the holder is ready.
  for (const place of Object.keys(holders) as Place[]) {
    const own = spawnSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }).stdout;
    for (let i = 0; i < 200; i++) {
      const theirs = spawnSync('readlink', [nsPath(place)], { encoding: 'utf8' }).stdout;
      if (theirs && theirs !== own) break;
      await sleep(10);
    }
  }
  const inside = (place: Place, command: string[], options: SpawnSyncOptions = {}) => {
    const result = spawnSync('nsenter', [`--net=${nsPath(place)}`, '--', ...command], {
      encoding: 'utf8',
      timeout: 20_000,
      ...options,
    });
    return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
  const must = (place: Place, command: string) => {
    const result = inside(place, ['sh', '-c', command]);
    if (result.code !== 0) throw new Error(`${place}: ${command}: ${result.stderr}`);
    return result.stdout;
  };
  must('host', 'ip link set lo up');
  must('client', 'ip link set lo up');
  must('internet', 'ip link set lo up');
  must(
    'host',
    `ip link add out0 type veth peer name eth0 netns ${holders.client.pid} &&
     ip addr add ${lab.hostOutside}/24 dev out0 && ip link set out0 up &&
     ip link add wan0 mtu ${lab.wanMtu} type veth peer name eth0 mtu ${lab.wanMtu} netns ${holders.internet.pid} &&
     ip addr add ${lab.hostWan}/24 dev wan0 && ip link set wan0 up &&
     ip route add default via ${lab.internet}`,
  );
  must('client', `ip addr add ${lab.client}/24 dev eth0 && ip link set eth0 up`);
  must('internet', `ip addr add ${lab.internet}/24 dev eth0 && ip link set eth0 up`);

  const root = mkdtempSync(join(tmpdir(), 'cove-network-'));
  const socket = join(root, 'agent.sock');
  let agent: ChildProcess | undefined;
  let agentExited: Promise<void> = Promise.resolve();

  /**
   * Starts the agent in the "host" namespace. `withoutSbin` hides /usr/sbin (nft and
   * conntrack) from it behind an empty tmpfs in a mount namespace of its own: a host
   * without nftables. Each wrapper execs the next, so the child's PID is the agent's.
   */
  const startAgent = async (extraArgs: string[] = [], { withoutSbin = false } = {}) => {
    const agentCommand = [
      'nsenter',
      `--net=${nsPath('host')}`,
      '--',
      process.execPath,
      coveBin,
      'agent',
      '--root',
      root,
      '--listen',
      '127.0.0.1:0',
      '--socket',
      socket,
      ...extraArgs,
    ];
    const [program = 'nsenter', ...args] = withoutSbin
      ? [
          'unshare',
          '--mount',
          '--propagation',
          'private',
          '--',
          'sh',
          '-c',
          'mount -t tmpfs -o ro tmpfs /usr/sbin && exec "$@"',
          'sh',
          ...agentCommand,
        ]
      : agentCommand;
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    agent = child;
    agentExited = new Promise((resolve) => child.once('exit', () => resolve()));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Also on the unix socket')) resolve();
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code) => reject(new Error(`agent exited (${code}):\n${output}`)));
    });
    return child;
  };

  const stopAgent = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (agent && agent.exitCode === null && agent.signalCode === null) agent.kill(signal);
    await agentExited;
  };

  const cove = (args: string[], options: SpawnSyncOptions = {}): CoveResult => {
    const result = spawnSync(process.execPath, [coveBin, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
      ...options,
      env: { ...process.env, COVE_ROOT: root, COVE_URL: `unix://${socket}`, ...options.env },
    });
    return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
  };

  /** Starts `command` in `place` without waiting (nsenter execs it: the PID is its own). */
  const spawnInside = (place: Place, command: string[]) =>
    spawn('nsenter', [`--net=${nsPath(place)}`, '--', ...command], { stdio: 'ignore' });

  /** Runs `command` in `place` until its output matches `pattern` (a server starting). */
  const eventually = async (place: Place, command: string[], pattern: RegExp, tries = 100) => {
    let last = inside(place, command);
    for (let i = 0; i < tries && !pattern.test(last.stdout); i++) {
      await sleep(50);
      last = inside(place, command);
    }
    return last;
  };

  return {
    root,
    inside,
    spawnInside,
    must,
    cove,
    eventually,
    startAgent,
    stopAgent,
    holderPid: (place: Place) => holders[place].pid ?? 0,
    /** Removes every container, stops the agent, and ends the namespaces with all they hold. */
    async cleanup() {
      if (!agent || agent.exitCode !== null || agent.signalCode !== null) await startAgent();
      const ids = cove(['ps', '-aq']).stdout.trim().split('\n').filter(Boolean);
      if (ids.length) cove(['rm', '-f', ...ids]);
      await stopAgent();
      for (const holder of Object.values(holders)) holder.kill('SIGKILL');
      endStoreProcesses(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
export type NetworkLab = Awaited<ReturnType<typeof startNetworkLab>>;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
}

/** The shared libraries a host program needs, as ldd lists them. */
export function librariesOf(program: string): string[] {
  const { stdout } = spawnSync('ldd', [program], { encoding: 'utf8' });
  return [...stdout.matchAll(/(\/\S+\.so[^\s]*)/g)].map((match) => match[1] ?? '');
}

/**
 * An OCI layout archive of an image for the lab: the host's static busybox (httpd, wget,
 * ip), netcat-openbsd with its libraries (busybox's nc has no UDP), and a config that
 * exposes 80/tcp and 53/udp, which is what `-P` publishes. `tamper` alters its root
 * filesystem before it is packed, the way a hostile image's author would.
 */
export function buildLabImage(tamper?: (rootfs: string) => void): {
  archive: string;
  remove(): void;
} {
  const work = mkdtempSync(join(tmpdir(), 'cove-network-image-'));
  const layout = join(work, 'layout');
  const bundle = join(work, 'bundle');
  run('umoci', ['init', '--layout', layout]);
  run('umoci', ['new', '--image', `${layout}:1`]);
  run('umoci', ['unpack', '--image', `${layout}:1`, bundle]);
  const rootfs = join(bundle, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  for (const applet of [
    'sh',
    'cat',
    'echo',
    'sleep',
    'mkdir',
    'httpd',
    'wget',
    'ip',
    'nc',
    'grep',
    'timeout',
    'true',
  ])
    symlinkSync('busybox', join(rootfs, 'bin', applet));
  copyFileSync('/bin/nc.openbsd', join(rootfs, 'bin', 'nc.openbsd'));
  for (const library of librariesOf('/bin/nc.openbsd')) {
    mkdirSync(join(rootfs, library, '..'), { recursive: true });
    copyFileSync(library, join(rootfs, library));
  }
  tamper?.(rootfs);
  run('umoci', ['repack', '--image', `${layout}:1`, bundle]);
  run('umoci', [
    'config',
    '--image',
    `${layout}:1`,
    '--config.cmd',
    'sh',
    '--config.exposedports',
    '80/tcp',
    '--config.exposedports',
    '53/udp',
    '--config.env',
    'PATH=/bin',
  ]);
  const archive = join(work, 'lab-image.tar');
  run('tar', ['-C', layout, '-cf', archive, '.']);
  return { archive, remove: () => rmSync(work, { recursive: true, force: true }) };
}
