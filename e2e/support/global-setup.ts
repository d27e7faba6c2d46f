import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FullConfig } from '@playwright/test';
import { type ContainerRecord, createAgentApi } from './agent-api';
import { type AgentProcess, checkBuilds, startAgentProcess } from './agent-process';
import { chromiumPath } from './chromium';
import {
  findLeftovers,
  isSameProcessAlive,
  processTree,
  remainingCgroups,
  storedContainerIds,
} from './leftovers';
import { leftInOuterNamespace, ownNetworkNamespace } from './own-network-namespace';
import { publishSuiteAgent } from './suite-env';

const sessionCookieName = 'cove_session';

/**
 * Starts the real agent on a temporary store and a free loopback port, serving the
 * dashboard's build, and returns the teardown: every container removed, the agent
 * stopped, a check that nothing is left running or mounted, the agent's log kept in
 * test-results/, and the store deleted.
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const e2eDir = dirname(config.configFile ?? join(process.cwd(), 'playwright.config.ts'));
  const repoRoot = join(e2eDir, '..');
  const outputDir = config.projects[0]?.outputDir ?? join(e2eDir, 'test-results');
  if (process.geteuid?.() !== 0) {
    throw new Error('the end-to-end suite runs the real agent, which must run as root');
  }
  checkBuilds(repoRoot);
  const { outerPid } = ownNetworkNamespace();
  if (!existsSync(chromiumPath)) {
    throw new Error(`the suite runs Debian's Chromium (${chromiumPath}): apt-get install chromium`);
  }

  const store = mkdtempSync(join(tmpdir(), 'cove-e2e-'));
  const logPath = join(store, 'agent.log');
  let agent: AgentProcess;
  try {
    agent = await startAgentProcess({ repoRoot, store, logPath });
  } catch (error) {
    keepLog(logPath, outputDir);
    rmSync(store, { recursive: true, force: true });
    throw error;
  }
  let sessionCookie: string;
  try {
    sessionCookie = await signIn(agent.url, agent.token);
  } catch (error) {
    await agent.stop().catch(() => {});
    keepLog(logPath, outputDir);
    rmSync(store, { recursive: true, force: true });
    throw error;
  }
  publishSuiteAgent({ url: agent.url, token: agent.token, store, sessionCookie });

  return async () => {
    const problems = [
      ...(await tearDown({ repoRoot, store, agent })),
      ...leftInOuterNamespace(outerPid),
    ];
    keepLog(logPath, outputDir);
    // A store with a mount left in it is not deleted: rm would follow the mount.
    if (!problems.some((problem) => problem.startsWith('mount: '))) {
      rmSync(store, { recursive: true, force: true });
    }
    if (problems.length > 0) {
      throw new Error(`end-to-end teardown (store ${store}):\n  ${problems.join('\n  ')}`);
    }
  };
}

async function signIn(url: string, token: string): Promise<string> {
  const response = await fetch(new URL('/api/session', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const cookie = response.headers.get('set-cookie') ?? '';
  const match = new RegExp(`${sessionCookieName}=([^;]+)`).exec(cookie);
  if (!response.ok || !match?.[1]) {
    throw new Error(`signing in with the agent token failed: ${response.status}`);
  }
  return match[1];
}

/** Removes every container, stops the agent, and returns what went wrong or was left. */
async function tearDown({
  repoRoot,
  store,
  agent,
}: {
  repoRoot: string;
  store: string;
  agent: AgentProcess;
}): Promise<string[]> {
  const problems: string[] = [];
  const api = createAgentApi(agent.url, agent.token);
  const records: ContainerRecord[] = [];
  try {
    for (const { record } of await api.listContainers()) {
      records.push(record);
      await api.removeContainer(record.id).catch((error: Error) => {
        problems.push(`removing ${record.name} through the API: ${error.message}`);
      });
    }
  } catch (error) {
    problems.push(`listing containers: ${(error as Error).message}`);
  }
  const agentProcesses = processTree(agent.pid);
  await agent.stop().catch((error: Error) => problems.push(error.message));

  // Whatever the agent could not remove, the CLI removes from the store directly.
  const outlived = storedContainerIds(store);
  const ids = [...new Set([...records.map((record) => record.id), ...outlived])];
  for (const id of outlived) {
    const cove = join(repoRoot, 'apps/agent/bin/cove.js');
    const removed = spawnSync(process.execPath, [cove, '--root', store, 'rm', '-f', id], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    problems.push(`container ${id} outlived the agent; cove rm -f: ${removed.status}`);
  }

  const leftovers = await settle(() => [
    ...findLeftovers(store, ids),
    ...records
      .filter((r) => r.state.pid && isSameProcessAlive(r.state.pid, r.state.pidStartTime))
      .map((r) => `container ${r.name}: its PID 1 (${r.state.pid}) still runs`),
    ...records.flatMap((r) => remainingCgroups(r.cgroupPaths).map((p) => `cgroup ${p}`)),
    ...agentProcesses
      .filter((p) => isSameProcessAlive(p.pid, p.startTime))
      .map((p) => `process ${p.pid} that the agent started: ${p.cmdline}`),
  ]);
  return [...problems, ...leftovers];
}

/** Polls a check for up to 10 s: the kernel reaps and unmounts a moment after a kill. */
async function settle(check: () => string[]): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = check();
    if (found.length === 0 || Date.now() > deadline) return found;
    await sleep(200);
  }
}

function keepLog(logPath: string, outputDir: string): void {
  try {
    mkdirSync(outputDir, { recursive: true });
    copyFileSync(logPath, join(outputDir, 'agent.log'));
  } catch {
    // No log: the agent never started.
  }
}
