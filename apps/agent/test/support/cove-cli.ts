import assert from 'node:assert/strict';
import { type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AgentProcess, startAgentProcess } from './agent-process.js';
import { endStoreProcesses } from './store-leftovers.js';

const coveBin = fileURLToPath(new URL('../../../bin/cove.js', import.meta.url));

export interface CoveResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A store of its own for one test file, its agent (`start()` in a `before` hook), and
 * the `cove` command run against them as a user would run it: a separate process, with
 * its exit code and both output streams. Every `run` carries a marker variable, so a
 * container process left behind can be found.
 */
export function testStore() {
  const root = mkdtempSync(join(tmpdir(), 'cove-test-'));
  let agent: AgentProcess | undefined;
  const agentEnv = () => {
    if (!agent) throw new Error('testStore: call start() first (in a before hook)');
    return { COVE_ROOT: root, COVE_URL: agent.url };
  };
  const marker = `COVE_TEST_MARKER=${root}`;
  const withMarker = (args: string[]) =>
    args[0] === 'run' ? ['run', '-e', marker, ...args.slice(1)] : args;

  const cove = (args: string[], options: SpawnSyncOptions = {}): CoveResult => {
    const result = spawnSync(process.execPath, [coveBin, ...withMarker(args)], {
      encoding: 'utf8',
      timeout: 30_000,
      ...options,
      env: { ...process.env, ...agentEnv(), ...options.env },
    });
    return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
  };

  return {
    root,
    cove,
    /** Starts the store's agent, which every command but `agent` talks to. */
    async start() {
      agent = await startAgentProcess(root);
    },
    get agent(): AgentProcess {
      if (!agent) throw new Error('testStore: call start() first (in a before hook)');
      return agent;
    },
    /** `cove run --rm [FLAGS] busybox sh -c SCRIPT`, the shape most tests take. */
    runSh(script: string, flags: string[] = [], options: SpawnSyncOptions = {}): CoveResult {
      return cove(['run', '--rm', ...flags, 'busybox', 'sh', '-c', script], options);
    },
    /** Starts `cove` without waiting, for tests that act while a container runs. */
    coveAsync(args: string[]) {
      return spawn(process.execPath, [coveBin, ...withMarker(args)], {
        env: { ...process.env, ...agentEnv() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    },
    /** The host's mount table holds nothing of this store. */
    assertNoMounts() {
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => l.includes(root));
      assert.deepEqual(mounts, [], 'no mount of the store is visible on the host');
    },
    /** No mount, no process and (unless kept on purpose) no container of this store remains. */
    assertNothingLeft(options: { containersKept?: number } = {}) {
      this.assertNoMounts();
      assert.deepEqual(processesWithMarker(marker), [], 'no container process is left running');
      const containers = readdirSync(join(root, 'containers'), { withFileTypes: true }).length;
      assert.equal(containers, options.containersKept ?? 0, 'containers left in the store');
    },
    /** Stops the agent (containers it leaves running are the test's to check) and removes the store. */
    async cleanup() {
      await agent?.stop();
      endStoreProcesses(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function processesWithMarker(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export const lines = (text: string) => text.trim().split('\n');
