import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AgentProcess {
  url: string;
  token: string;
  pid: number;
  /** SIGTERM to the agent's own PID, then waits for it to end (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;
const stopTimeoutMs = 15_000;

/** The builds the agent runs from; a missing one is a clear error, not a blank page. */
export function checkBuilds(repoRoot: string): void {
  const needed = [
    ['apps/agent/dist/src/cli/main.js', 'the agent'],
    ['apps/web/out/index.html', 'the dashboard'],
    ['apps/web/out/signin.html', 'the dashboard'],
  ] as const;
  for (const [path, what] of needed) {
    if (!existsSync(join(repoRoot, path))) {
      throw new Error(
        `${what} is not built (${path} is missing): run \`npx turbo run build\` at the repository root first`,
      );
    }
  }
}

/**
 * `cove agent` on a store of its own and a port the kernel picks (`--listen 127.0.0.1:0`),
 * as a person starts it. Its output goes to `logPath`; its URL is read from what it prints.
 */
export async function startAgentProcess(options: {
  repoRoot: string;
  store: string;
  logPath: string;
}): Promise<AgentProcess> {
  const bin = join(options.repoRoot, 'apps/agent/bin/cove.js');
  const log = createWriteStream(options.logPath, { flags: 'a' });
  const child = spawn(
    process.execPath,
    // The suite runs in a network namespace of its own (support/in-network-namespace.sh):
    // containers get the bridge, as they do for a person, and it is made in there.
    [bin, '--root', options.store, 'agent', '--listen', '127.0.0.1:0'],
    { cwd: options.repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => log.end());

  try {
    const url = await waitForUrl(child, options.logPath);
    const token = readFileSync(join(options.store, 'agent.token'), 'utf8').trim();
    return { url, token, pid: child.pid ?? 0, stop: () => stopProcess(child, exited) };
  } catch (error) {
    await stopProcess(child, exited);
    throw error;
  }
}

function waitForUrl(child: ChildProcess, logPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      reject(new Error(`the agent printed no URL within ${startTimeoutMs} ms (see ${logPath})`));
    }, startTimeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Cove is running: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the agent ended (${code ?? signal}) before listening (see ${logPath})`));
    });
  });
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), stopTimeoutMs).unref()),
  ]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`the agent did not stop within ${stopTimeoutMs} ms of SIGTERM: killed it`);
  }
}
