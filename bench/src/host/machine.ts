import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { runCommand } from '../measure/timed-spawn.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  /** The 1-minute load average when the run began: other work on the machine skews times. */
  loadAverage: number;
  tools: Record<string, string>;
}

async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    return (await runCommand(command, args)).split('\n')[0]?.trim() ?? '';
  } catch {
    return 'not installed';
  }
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What the numbers were measured on, printed with them. */
export async function describeMachine(): Promise<Machine> {
  const [runc, crun, podman, hyperfine, busybox] = await Promise.all([
    firstLine('runc', ['--version']),
    firstLine('crun', ['--version']),
    firstLine('podman', ['--version']),
    firstLine('hyperfine', ['--version']),
    firstLine('/bin/busybox', ['--help']),
  ]);
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    os: osName(),
    node: process.version,
    loadAverage: loadavg()[0] ?? 0,
    tools: { runc, crun, podman, hyperfine, busybox },
  };
}
