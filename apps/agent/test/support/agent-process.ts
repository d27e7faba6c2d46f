import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import type { AppRouter } from '../../src/server/router/root.js';
import type { AgentLimits } from './agent-with-limits.js';
import { endStoreProcesses } from './store-leftovers.js';

const coveBin = fileURLToPath(new URL('../../../bin/cove.js', import.meta.url));
const agentWithLimits = fileURLToPath(new URL('./agent-with-limits.js', import.meta.url));

/** Whatever the agent printed, and its URL once it says it is running. */
async function waitForUrl(child: ChildProcess): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Cove is running: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`agent exited (${code}) before listening:\n${output}`)),
    );
  });
}

/**
 * The real agent as a separate process (`cove agent`) on a store of its own and a free
 * loopback port, with a tRPC client that authenticates as the CLI does.
 */
export async function startAgentProcess(
  root = mkdtempSync(join(tmpdir(), 'cove-agent-test-')),
  /** More `cove agent` flags, e.g. ['--allow-origin', 'http://localhost:3000']. */
  extraArgs: readonly string[] = [],
  /** Limits no flag sets (a session lifetime of seconds): startAgent run directly. */
  limits?: AgentLimits,
  /**
   * Give the agent an fd it inherits without close-on-exec, as a careless parent would:
   * fd 20, above the fds the agent hands its own children on purpose.
   */
  { inheritedFd = false } = {},
) {
  const args = limits
    ? [agentWithLimits, root, JSON.stringify(limits)]
    : // Not about networking: containers get only `lo`, and the host's network is untouched.
      [
        coveBin,
        'agent',
        '--root',
        root,
        '--listen',
        '127.0.0.1:0',
        '--default-network',
        'none',
        ...extraArgs,
      ];
  const child = spawn(process.execPath, args, {
    stdio: [
      'ignore',
      'pipe',
      'pipe',
      ...(inheritedFd ? [...Array<'ignore'>(17).fill('ignore'), 'pipe' as const] : []),
    ],
  });
  const url = await waitForUrl(child);
  const token = readFileSync(join(root, 'agent.token'), 'utf8').trim();
  const authorization = `Bearer ${token}`;
  const wsUrl = `${url.replace('http', 'ws')}/api/trpc`;
  class AuthenticatedSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { authorization } });
    }
  }
  const wsClient = createWSClient({
    url: wsUrl,
    WebSocket: AuthenticatedSocket as never,
    lazy: { enabled: true, closeMs: 1000 },
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({ url: `${url}/api/trpc`, headers: { authorization } }),
      }),
    ],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    root,
    url,
    token,
    pid: child.pid ?? 0,
    client,
    /** A raw WebSocket to a terminal session, authenticated like the CLI. */
    terminalSocket(sessionId: string, headers: Record<string, string> = { authorization }) {
      return new WebSocket(`${url.replace('http', 'ws')}/api/terminals/${sessionId}`, { headers });
    },
    /** SIGTERM (a clean stop) or SIGKILL (a crash), then waits for the process to end. */
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      wsClient.close();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    cleanup() {
      endStoreProcesses(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
export type AgentProcess = Awaited<ReturnType<typeof startAgentProcess>>;

/** Collects a terminal WebSocket's bytes as text until `pattern` appears. */
export function screenReader(socket: WebSocket) {
  let screen = '';
  const waiters: Array<() => void> = [];
  socket.on('message', (data, isBinary) => {
    if (!isBinary) return;
    // Only the recent screen is kept: matching against everything ever printed would
    // cost quadratic time on large outputs.
    screen = (screen + Buffer.from(data as Buffer).toString('utf8')).slice(-256 * 1024);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    get text() {
      return screen;
    },
    async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(screen);
        if (match) return match;
        if (Date.now() > deadline)
          throw new Error(`terminal never showed ${pattern}; it shows:\n${screen}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}
