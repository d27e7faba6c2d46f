import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { watchDeaths } from '../cove/container-deaths.js';
import { alternate, type Contender } from '../measure/alternate.js';
import { type FigureOutcome, type TimeResult, timeResults } from '../report/result.js';
import { compareToLimit } from './compare.js';

export const traceStartFigure = 'trace-start: call → /bin/true running';

const untracedTool = 'cove agent tRPC, --no-trace';
const tracedTool = 'cove agent tRPC, tracing';

const trueSpec = { image: 'busybox', command: ['/bin/true'], autoRemove: true };

const row = (results: readonly TimeResult[], tool: string) =>
  results.find((r) => r.figure === traceStartFigure && r.tool === tool);

/** "1.04× (p90 1.10×)": how many times the untraced start the traced one takes. */
function describeRatio(traced: TimeResult | undefined, untraced: TimeResult | undefined): string {
  if (!traced || !untraced) return '?';
  const median = traced.median_ms / untraced.median_ms;
  const p90 = traced.p90_ms / untraced.p90_ms;
  return `${median.toFixed(2)}× (p90 ${p90.toFixed(2)}×)`;
}

/** An agent and the `died` events of its containers. */
interface Watched {
  agent: AgentProcess;
  deaths: Awaited<ReturnType<typeof watchDeaths>>;
}

/**
 * The trace an agent kept of one `/bin/true` start, or null. The container is kept
 * until asked about: for a removed container an agent that traces nothing answers "no
 * such container" instead of null.
 */
async function traceOfOneStart({ agent, deaths }: Watched) {
  const spec = { image: 'busybox', command: ['/bin/true'] };
  const record = await agent.client.containers.create.mutate({ spec, start: true });
  try {
    await deaths.died(record.id);
    return await agent.client.containers.trace.query({ id: record.id });
  } finally {
    await agent.client.containers.remove.mutate({ id: record.id, force: true });
  }
}

/** Proof that the two agents differ as intended, checked before any start is timed. */
async function checkTracing(untraced: Watched, traced: Watched): Promise<string> {
  const none = await traceOfOneStart(untraced);
  if (none) throw new Error('the agent started with --no-trace kept a trace of a start');
  const kept = await traceOfOneStart(traced);
  if (!kept) throw new Error('the agent started without --no-trace kept no trace of a start');
  const calls = kept.steps.reduce((sum, step) => sum + step.calls.length, 0);
  return `A start on the tracing agent recorded ${kept.steps.length} steps and ${calls} calls (${kept.ms.toFixed(1)} ms by its own clock); on the --no-trace agent, none.`;
}

/**
 * What recording a start costs: the start figure's `/bin/true` through an agent's
 * `containers.create`, to the call's return (the program has exec'd), on two agents
 * side by side, one started with `--no-trace` and one tracing (the default), taking
 * turns. Each container's `died` event is awaited untimed, so no removal overlaps the
 * next start.
 */
export async function measureTraceStart(
  context: BenchContext,
  untracedAgent: AgentProcess,
  tracedAgent: AgentProcess,
): Promise<FigureOutcome> {
  const { reps } = context;
  const untraced: Watched = {
    agent: untracedAgent,
    deaths: await watchDeaths(untracedAgent.client),
  };
  const traced: Watched = { agent: tracedAgent, deaths: await watchDeaths(tracedAgent.client) };
  const cove = (tool: string, { agent, deaths }: Watched): Contender => ({
    tool,
    async once() {
      const start = performance.now();
      const record = await agent.client.containers.create.mutate({ spec: trueSpec, start: true });
      const running = performance.now() - start;
      await deaths.died(record.id);
      return { [traceStartFigure]: running };
    },
  });
  const contenders = [cove(untracedTool, untraced), cove(tracedTool, traced)];
  try {
    const checked = await checkTracing(untraced, traced);
    const samples = await alternate(contenders, {
      warmup: reps.warmup,
      rounds: reps.rounds,
      pauseMs: reps.pauseMs,
      onRound: (round) =>
        context.log(`trace-start: round ${round + 1}/${reps.warmup + reps.rounds}`),
    });
    const results = timeResults(
      samples,
      contenders.map((c) => c.tool),
    );
    const tracedRow = row(results, tracedTool);
    const untracedRow = row(results, untracedTool);
    const slowdown =
      tracedRow && untracedRow
        ? (tracedRow.median_ms / untracedRow.median_ms - 1) * 100
        : undefined;
    return {
      results,
      targets: [compareToLimit('tracing slows a Cove start (median)', slowdown, 15, '%', 'below')],
      notes: [
        `Trace: the tracing agent's start to running took ${describeRatio(tracedRow, untracedRow)} the --no-trace agent's, in the same run. ${checked}`,
      ],
    };
  } finally {
    untraced.deaths.close();
    traced.deaths.close();
  }
}
