import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Debian's package puts it beside netavark, where podman looks for it, not on PATH. */
export const aardvarkBin = '/usr/lib/podman/aardvark-dns';

/** A network as aardvark-dns's config describes it (its `config.md`, v1.4.0). */
export interface AardvarkNetwork {
  name: string;
  /** Where it listens: the bridge's gateway. */
  gateway: string;
  /** Where names it does not own go: v1.4 always asks them on port 53. */
  upstream: string;
  containers: Array<{ id: string; address: string; names: string[] }>;
}

export interface Aardvark {
  pid: number;
  /** SIGTERM to its own PID (SIGKILL if it lingers), then its config directory removed. */
  stop(): Promise<void>;
}

/** Field 22 of /proc/PID/stat: with the PID, it names one process, never a later one. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** Whether a UDP socket of this network namespace is bound to `port` (/proc/net/udp). */
function udpPortBound(pid: number, port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  try {
    // Each line: slot, local ADDRESS:PORT in hex, remote, ...
    return readFileSync(`/proc/${pid}/net/udp`, 'utf8')
      .split('\n')
      .some((line) => line.trim().split(/\s+/)[1]?.split(':')[1] === hex);
  } catch {
    return false;
  }
}

function readPid(path: string): number {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return 0;
  }
}

/**
 * `aardvark-dns --config DIR -p PORT run` for one network. It forks: the command returns
 * once the server has written its PID to DIR/aardvark.pid, before it binds its socket, so
 * this waits for the bind too.
 */
export async function startAardvark(
  configDir: string,
  port: number,
  network: AardvarkNetwork,
): Promise<Aardvark> {
  mkdirSync(configDir, { recursive: true });
  // First line: listen addresses, then the network's DNS servers. Then one line per
  // container: id, IPv4 addresses, IPv6 addresses (none), names.
  const lines = [
    `${network.gateway} ${network.upstream}`,
    ...network.containers.map((c) => `${c.id} ${c.address}  ${c.names.join(',')}`),
  ];
  writeFileSync(join(configDir, network.name), `${lines.join('\n')}\n`);

  let pid = 0;
  let startTime: string | undefined;
  const stop = async () => {
    const running = () => pid > 0 && startTime !== undefined && startTimeOf(pid) === startTime;
    if (running()) process.kill(pid, 'SIGTERM');
    for (let waited = 0; running() && waited < 5000; waited += 50) await sleep(50);
    if (running()) process.kill(pid, 'SIGKILL');
    for (let waited = 0; running() && waited < 5000; waited += 50) await sleep(50);
    rmSync(configDir, { recursive: true, force: true });
    if (running()) throw new Error(`aardvark-dns ${pid} did not end on SIGKILL`);
  };

  const stderr: string[] = [];
  const launcher = spawn(aardvarkBin, ['--config', configDir, '-p', String(port), 'run'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  launcher.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    launcher.once('error', reject);
    launcher.once('exit', resolve);
  });
  try {
    pid = readPid(join(configDir, 'aardvark.pid'));
    startTime = startTimeOf(pid);
    if (code !== 0 || !startTime) {
      throw new Error(`aardvark-dns run exited ${code}: ${stderr.join('').trim()}`);
    }
    for (let waited = 0; !udpPortBound(pid, port); waited += 20) {
      if (waited > 5000 || startTimeOf(pid) !== startTime) {
        throw new Error(`aardvark-dns ${pid} did not bind udp port ${port} within 5 s`);
      }
      await sleep(20);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid, stop };
}
