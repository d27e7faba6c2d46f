import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppRouter } from '@cove/agent/router';
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  splitLink,
  type TRPCClient,
  type TRPCWebSocketClient,
  wsLink,
} from '@trpc/client';
import { WebSocket } from 'ws';
import { coveBin } from '../repo-paths.js';

export interface AgentProcess {
  pid: number;
  /** Its store (`--root`), where it writes `agent.token`. */
  root: string;
  url: string;
  authorization: string;
  /** HTTP for queries and mutations, one WebSocket for subscriptions. */
  client: TRPCClient<AppRouter>;
  /** Another client on a WebSocket of its own: one per simulated dashboard. */
  subscriber(): { client: TRPCClient<AppRouter>; close(): void };
  /** A raw WebSocket to a terminal session. */
  terminalSocket(sessionId: string): WebSocket;
  /**
   * SIGTERM to this agent's own PID and a wait for its exit; SIGKILL after `graceMs`.
   * True when it had to be killed.
   */
  stop(graceMs?: number): Promise<boolean>;
}

/** A WebSocket class that sends the agent token on the upgrade, as the CLI does. */
function authenticatedSocket(authorization: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { authorization } });
    }
  };
}

function subscriptionClient(url: string, authorization: string) {
  const socket: TRPCWebSocketClient = createWSClient({
    url: `${url.replace(/^http/, 'ws')}/api/trpc`,
    WebSocket: authenticatedSocket(authorization) as unknown as typeof globalThis.WebSocket,
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink<AppRouter>({ client: socket }),
        false: httpLink({ url: `${url}/api/trpc`, headers: { authorization } }),
      }),
    ],
  });
  return { client, close: () => socket.close() };
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Cove is running: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`cove agent exited (${code}) before listening: ${output}`)),
    );
  });
}

/**
 * `cove agent` as a user starts it, on a store of the bench's own and a free loopback
 * port. Its log (stderr) is drained and only its tail kept, for the error of a crash.
 * `nodeOptions` go to Node itself, e.g. `--cpu-prof` for a profile written at its exit;
 * `agentArgs` to `cove agent`, e.g. `--default-network none`.
 */
export async function startAgentProcess(
  root: string,
  nodeOptions: readonly string[] = [],
  agentArgs: readonly string[] = [],
): Promise<AgentProcess> {
  const child = spawn(
    process.execPath,
    [...nodeOptions, coveBin, '--root', root, 'agent', '--listen', '127.0.0.1:0', ...agentArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    logTail = (logTail + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await waitForUrl(child).catch((error: Error) => {
    throw new Error(`${error.message}\n${logTail}`);
  });
  const token = readFileSync(join(root, 'agent.token'), 'utf8').trim();
  const authorization = `Bearer ${token}`;
  const main = subscriptionClient(url, authorization);
  return {
    pid: child.pid ?? 0,
    root,
    url,
    authorization,
    client: main.client,
    subscriber: () => subscriptionClient(url, authorization),
    terminalSocket: (sessionId) =>
      new WebSocket(`${url.replace(/^http/, 'ws')}/api/terminals/${sessionId}`, {
        headers: { authorization },
      }),
    async stop(graceMs = 10_000) {
      main.close();
      if (child.exitCode !== null || child.signalCode !== null) return false;
      child.kill('SIGTERM');
      const cancel = new AbortController();
      const late = sleep(graceMs, true, { signal: cancel.signal }).catch(() => false);
      const tooLate = await Promise.race([exited.then(() => false), late]);
      cancel.abort();
      if (!tooLate) return false;
      child.kill('SIGKILL');
      await exited;
      return true;
    },
  };
}
