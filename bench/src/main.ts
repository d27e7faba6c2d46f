import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEngine, type Engine } from '@cove/core';
import { type BenchContext, fullRepetitions, quickRepetitions } from './bench-context.js';
import { type AgentProcess, startAgentProcess } from './cove/agent-process.js';
import { removeEverything } from './cove/container-batch.js';
import { removeAllContainers } from './cove/engine-cleanup.js';
import type { RestartableAgent } from './cove/restartable-agent.js';
import { measureApi } from './figures/api.js';
import { measureCli } from './figures/cli.js';
import { measureDensity } from './figures/density.js';
import { measureDns } from './figures/dns.js';
import { measureExec } from './figures/exec.js';
import { measureNetStart } from './figures/net-start.js';
import { measureNetThroughput } from './figures/net-throughput.js';
import { measureStart } from './figures/start.js';
import { measureStats } from './figures/stats.js';
import { measureTerminal } from './figures/terminal.js';
import { measureTraceStart } from './figures/trace-start.js';
import { removeBenchCgroups } from './host/bench-cgroups.js';
import { describeMachine } from './host/machine.js';
import { type FigureName, figureNames, parseOptions, usage } from './options.js';
import { resultsDir } from './repo-paths.js';
import { renderReport } from './report/markdown.js';
import type { BenchResult, FigureOutcome, TargetCheck } from './report/result.js';
import { buildBusyboxRootfs, tarRootfs } from './runtimes/busybox-rootfs.js';
import { makeBundle } from './runtimes/oci-bundle.js';
import { OciRuntime } from './runtimes/oci-runtime.js';
import { Podman } from './runtimes/podman.js';

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** crun 1.8 refuses a hybrid host (v1 controllers plus a cgroup2 mount): run.sh hides the latter. */
function checkCgroupView(): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8');
  const hybrid = / cgroup2 /.test(mounts) && / cgroup /.test(mounts);
  if (hybrid) {
    throw new Error(
      'this host mixes cgroup v1 and v2 and crun refuses that: run the bench as `npm run bench`, which runs it in a mount namespace without the cgroup2 mount',
    );
  }
}

/** Everything the bench made, undone in reverse: containers, warm processes, agents, storage. */
class Cleanup {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> | unknown }> = [];
  /** What was left behind: the bench failed to clean up. */
  readonly problems: string[] = [];
  /** What went wrong on the way and was dealt with: findings about the engine. */
  readonly remarks: string[] = [];
  private running: Promise<void> | undefined;

  add(what: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ what, run });
  }

  remark(text: string): void {
    this.remarks.push(text);
  }

  /** Runs every step once; a second call (Ctrl-C during the cleanup) waits for the first. */
  runAll(): Promise<void> {
    this.running ??= this.runSteps();
    return this.running;
  }

  private async runSteps(): Promise<void> {
    for (const { what, run } of this.steps.splice(0).reverse()) {
      try {
        const left = await run();
        if (Array.isArray(left) && left.length) this.problems.push(`${what}: ${left.join(', ')}`);
      } catch (error) {
        this.problems.push(`${what}: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * The bench's own network namespace (run.sh makes it): the bridges, tables and sysctls
 * of Cove and podman go in there, never on the machine.
 */
function checkOwnNetworkNamespace(): void {
  const outside = process.env.COVE_BENCH_OUTER_NETNS;
  if (!outside || readlinkSync('/proc/self/ns/net') === outside) {
    throw new Error(
      'the bench makes bridges and firewall tables, so it runs in a network namespace of its own: run it as `npm run bench`, which makes one',
    );
  }
}

/** How a bench agent differs from `cove agent` as a user starts it. */
interface AgentSettings {
  /** `none` unless a figure is about the network. */
  defaultNetwork?: 'none' | 'bridge';
  /** False for `--no-trace`; tracing is the agent's default, what users get. */
  trace?: boolean;
  /** More `cove agent` arguments, e.g. `--dns-upstream`. */
  args?: readonly string[];
}

/**
 * A `cove agent` on a store of its own. Its containers get `--network none` unless a
 * figure is about the network: runc and crun, beside them, have only `lo` too. A figure
 * may kill it and start it again on the same store; the cleanup follows the newest.
 */
async function restartableAgentFor(
  context: BenchContext,
  cleanup: Cleanup,
  name: string,
  profile: boolean,
  { defaultNetwork = 'none', trace = true, args = [] }: AgentSettings = {},
): Promise<RestartableAgent> {
  const root = join(context.dir, name);
  const profileDir = join(resultsDir, 'profiles', name);
  const start = () =>
    startAgentProcess(root, profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [], [
      '--default-network',
      defaultNetwork,
      ...(trace ? [] : ['--no-trace']),
      ...args,
    ]);
  let agent = await start();
  cleanup.add(`agent ${name}`, async () => {
    const deadline = performance.now() + 60_000;
    const removal = await removeEverything(agent.client, 4, deadline).catch((error: Error) => ({
      removed: 0,
      failures: [error.message],
    }));
    const killed = await agent.stop();
    // What the agent could not remove, the bench's own engine over the same store does.
    const left = await removeAllContainers(createEngine({ root }));
    if (removal.failures.length) {
      cleanup.remark(
        `agent ${name} failed to remove ${removal.failures.length} containers (${removal.failures[0]}); the bench removed them`,
      );
    }
    if (killed) cleanup.remark(`agent ${name} did not exit within 10 s of SIGTERM and was killed`);
    return left.map((container) => `container ${container}`);
  });
  await sleep(1500); // its warm inits and exec shim start
  return {
    current: () => agent,
    async restart() {
      agent = await start();
      return agent;
    },
  };
}

async function agentFor(
  context: BenchContext,
  cleanup: Cleanup,
  name: string,
  profile: boolean,
  settings: AgentSettings = {},
): Promise<AgentProcess> {
  return (await restartableAgentFor(context, cleanup, name, profile, settings)).current();
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (process.geteuid?.() !== 0) throw new Error('the bench runs containers: run it as root');
  checkCgroupView();
  checkOwnNetworkNamespace();
  const reps = options.quick ? quickRepetitions : fullRepetitions;
  const full = !options.quick && options.figures.length === figureNames.length;
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const machine = await describeMachine();

  const cleanup = new Cleanup();
  const stop = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const dir = mkdtempSync('/tmp/cove-bench-');
  cleanup.add('workspace', () => rmSync(dir, { recursive: true, force: true }));
  cleanup.add('cgroups', () => removeBenchCgroups());

  log(`workspace ${dir}; preparing the busybox rootfs and the bundles`);
  const rootfs = join(dir, 'rootfs');
  buildBusyboxRootfs(rootfs);
  const bundles = {
    trueCrun: makeBundle(join(dir, 'bundles/true-crun'), rootfs, ['/bin/true']),
    trueRunc: makeBundle(join(dir, 'bundles/true-runc'), rootfs, ['/bin/true']),
    sleepCrun: makeBundle(join(dir, 'bundles/sleep-crun'), rootfs, ['/bin/sleep', '1000000']),
    sleepRunc: makeBundle(join(dir, 'bundles/sleep-runc'), rootfs, ['/bin/sleep', '1000000']),
  };
  const crun = new OciRuntime('crun', join(dir, 'state/crun'));
  const runc = new OciRuntime('runc', join(dir, 'state/runc'));
  cleanup.add('crun containers', () => crun.cleanup());
  cleanup.add('runc containers', () => runc.cleanup());
  const podman = new Podman(join(dir, 'podman'));
  cleanup.add('podman storage', () => podman.cleanup());
  const context: BenchContext = { reps, dir, rootfs, bundles, crun, runc, podman, log };

  const wants = (figure: FigureName) => options.figures.includes(figure);
  let engine: Engine | undefined;
  if (wants('start') || wants('exec')) {
    const coveEngine = createEngine({
      root: join(dir, 'engine'),
      supervise: true,
      defaultNetwork: 'none',
    });
    engine = coveEngine;
    cleanup.add('engine', async () => {
      const left = await removeAllContainers(coveEngine);
      coveEngine.close();
      return left;
    });
    await sleep(1500);
  }

  const results: BenchResult[] = [];
  const targets: TargetCheck[] = [];
  const notes: string[] = [
    "All tools run in one mount namespace where the hybrid host's empty cgroup2 mount is hidden (crun 1.8 refuses hybrid hosts); runc and crun get an absolute cgroup below /cove-bench.",
  ];
  const failures: string[] = [];
  const record = async (figure: FigureName, measure: () => Promise<FigureOutcome>) => {
    if (!wants(figure)) return;
    log(`figure ${figure}`);
    try {
      const outcome = await measure();
      results.push(...outcome.results);
      targets.push(...outcome.targets);
      notes.push(...outcome.notes);
    } catch (error) {
      failures.push(`${figure}: ${(error as Error).stack ?? error}`);
      log(`figure ${figure} failed: ${(error as Error).message}`);
    }
  };

  try {
    let mainAgent: AgentProcess | undefined;
    const agent = async () => {
      mainAgent ??= await agentFor(context, cleanup, 'agent', options.profile);
      return mainAgent;
    };
    await record('start', async () => measureStart(context, engine as Engine, await agent()));
    await record('cli', async () => {
      tarRootfs(rootfs, join(dir, 'rootfs.tar'));
      await podman.importImage(join(dir, 'rootfs.tar'));
      // The CLI asks the agent; what a failed `cove run --rm` leaves, the agent's cleanup removes.
      return measureCli(context, await agent());
    });
    await record('exec', () => measureExec(context, engine as Engine));
    await record('terminal', async () => measureTerminal(context, await agent()));
    await record('stats', async () =>
      measureStats(context, await agentFor(context, cleanup, 'agent-stats', options.profile)),
    );
    await record('density', async () => {
      const root = join(dir, 'agent-density');
      return measureDensity(
        context,
        await agentFor(context, cleanup, 'agent-density', options.profile),
        root,
      );
    });
    await record('api', async () =>
      measureApi(context, await agentFor(context, cleanup, 'agent-api', options.profile)),
    );
    let netAgent: AgentProcess | undefined;
    const bridgeAgent = async () => {
      netAgent ??= await agentFor(context, cleanup, 'agent-net', options.profile, {
        defaultNetwork: 'bridge',
      });
      return netAgent;
    };
    await record('net-start', async () => measureNetStart(context, await bridgeAgent()));
    await record('net-throughput', async () => measureNetThroughput(context, await bridgeAgent()));
    await record('trace-start', async () =>
      measureTraceStart(
        context,
        await agentFor(context, cleanup, 'agent-no-trace', options.profile, { trace: false }),
        await agentFor(context, cleanup, 'agent-trace', options.profile),
      ),
    );
    await record('dns', () =>
      measureDns(context, {
        startAgent: (name, args) =>
          restartableAgentFor(context, cleanup, name, options.profile, { args }),
        defer: (what, run) => cleanup.add(what, run),
      }),
    );
  } finally {
    log('cleaning up');
    await cleanup.runAll();
  }
  notes.push(...cleanup.remarks.map((remark) => `Cleanup: ${remark}.`));
  if (cleanup.problems.length) notes.push(`Cleanup problems: ${cleanup.problems.join('; ')}`);
  else
    notes.push(
      'Cleanup: every container, cgroup, mount and temporary directory the bench made is gone.',
    );

  const report = renderReport({
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    command,
    machine,
    results,
    targets,
    notes,
    failures,
  });
  mkdirSync(resultsDir, { recursive: true });
  const name = full ? 'latest' : 'dev';
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(resultsDir, `${name}.md`), report);
  process.stdout.write(report);
  log(`wrote bench/results/${name}.json and ${name}.md`);
  if (failures.length || cleanup.problems.length) process.exitCode = 1;
  if (existsSync(dir)) log(`workspace ${dir} could not be removed`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  if (!error.message.includes(usage)) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
