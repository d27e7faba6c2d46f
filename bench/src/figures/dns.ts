import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerRecord, UserNetwork } from '@cove/shared';
import { type BenchContext, quickRepetitions } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import type { RestartableAgent } from '../cove/restartable-agent.js';
import { type Aardvark, startAardvark } from '../dns/aardvark-dns.js';
import type { LoadPlan, LoadReport, NameReport } from '../dns/dns-load-client.js';
import { dnsperfRate } from '../dns/dnsperf-rate.js';
import { startStubUpstream } from '../dns/stub-upstream.js';
import { findLeftovers } from '../host/leftovers.js';
import { summarize } from '../measure/summary.js';
import { runCommand } from '../measure/timed-spawn.js';
import {
  type BenchResult,
  type FigureOutcome,
  type TargetCheck,
  timeResult,
  valueResult,
} from '../report/result.js';
import { compareToLimit } from './compare.js';

/** What the figure needs from the harness's main. */
export interface DnsFigureHost {
  /** A bench agent (`--default-network none`) with more `cove agent` arguments. */
  startAgent(name: string, agentArgs: readonly string[]): Promise<RestartableAgent>;
  /** A step for the bench's cleanup, which also runs on Ctrl-C; it returns what was left. */
  defer(what: string, run: () => Promise<string[]>): void;
}

const cove = 'cove agent';
const aardvark = 'aardvark-dns 1.4';
const containerName = 'web';
const forwardedName = 'forwarded.test';
/** TEST-NET-1 (RFC 5737): the stub upstream's answer for `forwardedName`. */
const forwardedAddress = '192.0.2.7';
/** aardvark-dns 1.4 asks its upstreams on port 53 only, so Cove's upstream is there too. */
const upstream = { address: '127.0.0.1', port: 53 };
/** Cove holds port 53 on the gateway; aardvark-dns listens on its own default port there. */
const aardvarkPort = 5533;
const inFlight = 16;
const timeoutMs = 1000;

const dnsLatencyFigure = (name: string) => `dns: A ${name}, one query at a time`;
const dnsRateFigure = (name: string) => `dns: A ${name}, ${inFlight} in flight`;
const dnsGapFigure = 'dns: agent SIGKILL → first answer (restarted at once)';

/**
 * What the figure made, undone newest first, each step once: by the figure's `finally`,
 * or by the bench's cleanup (Ctrl-C), where each step is registered after the agent it
 * needs and so runs before that agent is stopped.
 */
class Undo {
  private readonly steps: Array<() => Promise<string[]>> = [];

  constructor(private readonly host: DnsFigureHost) {}

  add(what: string, step: () => Promise<unknown>): void {
    let done = false;
    const run = async () => {
      if (done) return [];
      done = true;
      try {
        const result = await step();
        return Array.isArray(result) ? result.map((item) => `${what}: ${item}`) : [];
      } catch (error) {
        return [`${what}: ${(error as Error).message}`];
      }
    };
    this.steps.push(run);
    this.host.defer(what, run);
  }

  async run(): Promise<string[]> {
    const left: string[] = [];
    for (const run of this.steps.splice(0).reverse()) left.push(...(await run()));
    return left;
  }
}

/** The compiled helper scripts, in bench/dist/dns/ beside this file's bench/dist/figures/. */
const script = (name: string) => new URL(`../dns/${name}`, import.meta.url).pathname;

/** The host's node in `pid`'s network namespace: the queries come from the container's address. */
const inNetworkOf = (pid: number, scriptName: string, args: readonly string[]) => [
  `--net=/proc/${pid}/ns/net`,
  '--',
  process.execPath,
  script(scriptName),
  ...args,
];

async function createSleeper(
  agent: AgentProcess,
  name: string,
  network: string,
): Promise<ContainerRecord> {
  const created = await agent.client.containers.create.mutate({
    spec: { image: 'busybox', name, command: ['sleep', '1000000'], network },
    start: true,
  });
  const record = await agent.client.containers.inspect.query({ id: created.id });
  if (!record.state.pid || !record.network?.address) {
    throw new Error(`container ${name} has no pid or no address on ${network}`);
  }
  return record;
}

/** Removes the containers through the agent, then the network; returns what is left. */
async function removeSetup(
  agent: AgentProcess,
  records: readonly ContainerRecord[],
  network: UserNetwork,
): Promise<string[]> {
  for (const record of records) {
    await agent.client.containers.remove.mutate({ id: record.id, force: true });
  }
  await agent.client.networks.remove.mutate({ id: network.id });
  return findLeftovers(records, agent.root);
}

const addressOf = (record: ContainerRecord) => record.network?.address ?? '';

/**
 * Cove's DNS beside Debian's aardvark-dns (podman's), answering the same names to the same
 * container: an agent with a network `bench-dns`, a `web` and a `client` container on it,
 * and aardvark-dns configured with that network, gateway and those two containers as
 * netavark would write them. Both forward other names to one stub upstream on 127.0.0.1:53
 * in the bench's namespace. A load client (Node, in the client container's network
 * namespace) times queries one at a time and counts answers with 16 in flight, the two
 * servers taking turns round by round. Then a second agent with a container on a network
 * of its own is SIGKILLed and started again, and the client's first answer is timed.
 */
export async function measureDns(
  context: BenchContext,
  host: DnsFigureHost,
): Promise<FigureOutcome> {
  const quick = context.reps === quickRepetitions;
  const rounds = quick ? 2 : 5;
  const plan = {
    sequential: quick ? { warmup: 50, count: 300 } : { warmup: 100, count: 1000 },
    concurrent: { inFlight, seconds: quick ? 1 : 2 },
    timeoutMs,
  };
  const restarts = quick ? 3 : 5;

  const undo = new Undo(host);
  let left: string[] = [];
  let result: FigureOutcome;
  try {
    const stub = await startStubUpstream(upstream.address, upstream.port, {
      [forwardedName]: forwardedAddress,
    });
    undo.add('stub upstream', () => stub.close());
    const measured = await measureServers(context, host, undo, rounds, plan);
    const gap = await measureRestartGap(context, host, undo, restarts);
    result = outcome(measured, gap, rounds, plan);
  } finally {
    left = await undo.run();
    if (left.length) context.log(`dns: left behind: ${left.join('; ')}`);
  }
  if (left.length) throw new Error(`the dns figure left ${left.join('; ')}`);
  return result;
}

/** How much each load client asks: the same for both servers. */
type Schedule = Pick<LoadPlan, 'sequential' | 'concurrent' | 'timeoutMs'>;

type Measured = Map<string, Map<string, NameReport[]>>;

async function measureServers(
  context: BenchContext,
  host: DnsFigureHost,
  undo: Undo,
  rounds: number,
  plan: Schedule,
): Promise<Measured> {
  const agent = (
    await host.startAgent('agent-dns', ['--dns-upstream', `${upstream.address}:${upstream.port}`])
  ).current();
  const network = await agent.client.networks.create.mutate({ name: 'bench-dns' });
  const records: ContainerRecord[] = [];
  undo.add('network bench-dns and its containers', () => removeSetup(agent, records, network));
  const web = await createSleeper(agent, containerName, network.name);
  records.push(web);
  const client = await createSleeper(agent, 'client', network.name);
  records.push(client);

  const viaAardvark: Aardvark = await startAardvark(join(context.dir, 'aardvark'), aardvarkPort, {
    name: network.name,
    gateway: network.gateway,
    upstream: upstream.address,
    // What netavark writes for a container: its name, aliases and short id.
    containers: [web, client].map((record) => ({
      id: record.id,
      address: addressOf(record),
      names: [record.name, record.id.slice(0, 12)],
    })),
  });
  undo.add('aardvark-dns', () => viaAardvark.stop());

  const names = [
    { name: containerName, expect: addressOf(web) },
    { name: forwardedName, expect: forwardedAddress },
  ];
  const servers = [
    { tool: cove, pid: agent.pid, server: { address: network.gateway, port: 53 } },
    {
      tool: aardvark,
      pid: viaAardvark.pid,
      server: { address: network.gateway, port: aardvarkPort },
    },
  ];
  const measured: Measured = new Map();
  // One round thrown away first: each server's code paths run once before they are timed.
  for (let round = -1; round < rounds; round++) {
    context.log(`dns: round ${round + 2}/${rounds + 1}`);
    for (let i = 0; i < servers.length; i++) {
      const turn = servers[(round + 1 + i) % servers.length];
      if (!turn) continue;
      // The Node client's own phase with 16 in flight is kept short: dnsperf measures the rate.
      const full: LoadPlan = {
        ...plan,
        concurrent: { ...plan.concurrent, seconds: 0.2 },
        server: turn.server,
        serverPid: turn.pid,
        names,
      };
      const output = await runCommand(
        'nsenter',
        inNetworkOf(client.state.pid ?? 0, 'dns-load-client.js', [JSON.stringify(full)]),
      );
      const report = JSON.parse(output) as LoadReport;
      for (const name of report.names) {
        if (name.wrong) {
          throw new Error(`${turn.tool} answered ${name.wrong} queries for ${name.name} wrongly`);
        }
        // The rate with 16 in flight, and its CPU, from dnsperf rather than the Node client.
        const rate = await dnsperfRate({
          dir: context.dir,
          clientPid: client.state.pid ?? 0,
          server: turn.server,
          serverPid: turn.pid,
          name: name.name,
          inFlight: plan.concurrent.inFlight,
          seconds: plan.concurrent.seconds,
        });
        if (rate.notNoError) {
          throw new Error(
            `${turn.tool} answered ${rate.notNoError} of dnsperf's ${name.name} queries with an error`,
          );
        }
        name.concurrentAnswered = rate.answered;
        name.concurrentLost = rate.lost;
        name.concurrentSeconds = rate.seconds;
        name.serverUserMs = rate.serverUserMs;
        name.serverSystemMs = rate.serverSystemMs;
        if (round < 0) continue;
        const byTool = measured.get(name.name) ?? new Map<string, NameReport[]>();
        measured.set(name.name, byTool);
        byTool.set(turn.tool, [...(byTool.get(turn.tool) ?? []), name]);
      }
      await sleep(context.reps.pauseMs);
    }
  }
  return measured;
}

interface Gap {
  /** From the SIGKILL to the client's first answer. */
  answeredMs: number[];
  /** From the SIGKILL to the new agent's "Cove is running". */
  listeningMs: number[];
}

/** A gap probe in `pid`'s network namespace, ready (its socket bound) when this resolves. */
async function startProbe(
  pid: number,
  server: string,
  name: string,
  expect: string,
): Promise<{ child: ChildProcess; answered: Promise<number> }> {
  const child = spawn(
    'nsenter',
    inNetworkOf(pid, 'dns-gap-probe.js', [server, '53', name, expect, '5', '30000']),
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const failed = new Promise<never>((_, reject) =>
    child.once('close', (code) => reject(new Error(`dns-gap-probe exited ${code}: ${stderr}`))),
  );
  const line = (wanted: string) =>
    Promise.race([
      new Promise<number>((resolve) =>
        lines.on('line', (text) => text === wanted && resolve(performance.now())),
      ),
      failed,
    ]);
  const answered = line('answered');
  answered.catch(() => undefined);
  await line('ready');
  return { child, answered };
}

async function measureRestartGap(
  context: BenchContext,
  host: DnsFigureHost,
  undo: Undo,
  restarts: number,
): Promise<Gap> {
  const restartable = await host.startAgent('agent-dns-restart', [
    '--dns-upstream',
    `${upstream.address}:${upstream.port}`,
  ]);
  const first = restartable.current();
  const network = await first.client.networks.create.mutate({ name: 'bench-dns-gap' });
  const records: ContainerRecord[] = [];
  undo.add('network bench-dns-gap and its container', () =>
    removeSetup(restartable.current(), records, network),
  );
  const probed = await createSleeper(first, 'probed', network.name);
  records.push(probed);

  const gap: Gap = { answeredMs: [], listeningMs: [] };
  for (let i = 0; i < restarts; i++) {
    context.log(`dns: agent restart ${i + 1}/${restarts}`);
    const probe = await startProbe(
      probed.state.pid ?? 0,
      network.gateway,
      probed.name,
      addressOf(probed),
    );
    try {
      const agent = restartable.current();
      const killed = performance.now();
      process.kill(agent.pid, 'SIGKILL');
      probe.child.stdin?.write('go\n');
      await agent.stop();
      await restartable.restart();
      gap.listeningMs.push(performance.now() - killed);
      gap.answeredMs.push((await probe.answered) - killed);
    } finally {
      if (probe.child.exitCode === null) probe.child.kill('SIGKILL');
    }
    await sleep(1500); // the new agent's warm inits and exec shim start, as after any agent start
  }
  return gap;
}

function outcome(measured: Measured, gap: Gap, rounds: number, plan: Schedule): FigureOutcome {
  const results: BenchResult[] = [];
  const targets: TargetCheck[] = [];
  const notes: string[] = [];
  const lost: string[] = [];
  const cpuSplit: string[] = [];
  const stats = (reports: readonly NameReport[]) => {
    const latency = summarize(reports.flatMap((r) => r.latenciesMs));
    const rates = reports.map((r) => r.concurrentAnswered / r.concurrentSeconds);
    const total = (field: (r: NameReport) => number) =>
      reports.reduce((sum, r) => sum + field(r), 0);
    const lostCount = total((r) => r.sequentialLost + r.concurrentLost);
    // Server CPU per 1000 answers with 16 in flight: what a query costs the server, whoever
    // was the bottleneck (on 2 cores the load client takes one of them).
    const perThousand = (ms: number) => (ms / total((r) => r.concurrentAnswered)) * 1000;
    const userPerThousand = perThousand(total((r) => r.serverUserMs));
    const systemPerThousand = perThousand(total((r) => r.serverSystemMs));
    const cpuPerThousand = userPerThousand + systemPerThousand;
    return {
      latency,
      qps: summarize(rates).median,
      lostCount,
      cpuPerThousand,
      userPerThousand,
      systemPerThousand,
    };
  };
  for (const [name, byTool] of measured) {
    const ours = stats(byTool.get(cove) ?? []);
    const theirs = stats(byTool.get(aardvark) ?? []);
    results.push(
      timeResult(dnsLatencyFigure(name), cove, ours.latency, true),
      timeResult(dnsLatencyFigure(name), aardvark, theirs.latency, true),
      valueResult(
        dnsLatencyFigure(name),
        `${cove}, % of ${aardvark}: median`,
        (ours.latency.median / theirs.latency.median) * 100,
        '%',
      ),
      valueResult(
        dnsLatencyFigure(name),
        `${cove}, % of ${aardvark}: p99`,
        (ours.latency.p99 / theirs.latency.p99) * 100,
        '%',
      ),
      valueResult(dnsRateFigure(name), cove, ours.qps, 'queries/s', rounds),
      valueResult(dnsRateFigure(name), aardvark, theirs.qps, 'queries/s', rounds),
      valueResult(
        dnsRateFigure(name),
        `${cove}, % of ${aardvark}`,
        (ours.qps / theirs.qps) * 100,
        '%',
      ),
      valueResult(dnsRateFigure(name), `${cove}: CPU per 1000 answers`, ours.cpuPerThousand, 'ms'),
      valueResult(
        dnsRateFigure(name),
        `${aardvark}: CPU per 1000 answers`,
        theirs.cpuPerThousand,
        'ms',
      ),
    );
    const kind = name === containerName ? 'container name' : 'forwarded name';
    if (name === containerName) {
      targets.push(compareToLimit(`dns: ${kind} p99 (Cove)`, ours.latency.p99, 2, 'ms', 'below'));
    }
    targets.push(
      compareToLimit(
        `dns: ${kind} queries per second, Cove as a share of aardvark-dns`,
        (ours.qps / theirs.qps) * 100,
        100,
        '%',
        'above',
      ),
    );
    cpuSplit.push(
      `${name}: Cove ${ours.userPerThousand.toFixed(0)} ms user + ${ours.systemPerThousand.toFixed(0)} ms system, aardvark-dns ${theirs.userPerThousand.toFixed(0)} + ${theirs.systemPerThousand.toFixed(0)} ms`,
    );
    if (ours.lostCount) lost.push(`${ours.lostCount} to Cove for ${name}`);
    if (theirs.lostCount) lost.push(`${theirs.lostCount} to aardvark-dns for ${name}`);
  }
  results.push(
    timeResult(dnsGapFigure, `${cove}: to the first answer`, summarize(gap.answeredMs)),
    timeResult(dnsGapFigure, `${cove}: to "Cove is running"`, summarize(gap.listeningMs)),
  );
  notes.push(
    `DNS: ${rounds} rounds, the two servers taking turns, each round a fresh load client (Node, in the client container's network namespace) per server: per name ${plan.sequential.warmup} queries one at a time and 0.2 s with ${plan.concurrent.inFlight} in flight untimed, then ${plan.sequential.count} timed one at a time, then ${plan.concurrent.inFlight} in flight for ${plan.concurrent.seconds} s; queries per second are the median of the rounds. Both servers forward to the bench's stub upstream on 127.0.0.1:53; aardvark-dns 1.4 (Debian) is configured as netavark would write it and listens on the same gateway, port ${aardvarkPort}.`,
    `DNS: queries per second and the servers' CPU with ${plan.concurrent.inFlight} in flight are dnsperf's (Debian's 2.10, C, one client, ${plan.concurrent.seconds} s per name and server each round) in the client container's network namespace; every reply was NOERROR. A Node load client spent more CPU per query than either server and set the pace on 2 cores.`,
    `DNS: the servers' CPU per 1000 answers with ${plan.concurrent.inFlight} in flight, in user space and in the kernel: ${cpuSplit.join('; ')}.`,
    lost.length
      ? `DNS: queries unanswered within ${timeoutMs} ms (left out of the latencies): ${lost.join(', ')}.`
      : `DNS: every query was answered within ${timeoutMs} ms, with the expected address.`,
    `DNS restart gap: ${gap.answeredMs.length} times, a second agent with a container on a network of its own was SIGKILLed and started again at once on the same store; the container asked its own name every 5 ms from the kill on.`,
  );
  return { results, targets, notes };
}
