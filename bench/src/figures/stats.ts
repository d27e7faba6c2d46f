import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { createSleepers, removeEverything } from '../cove/container-batch.js';
import { childPids, readProcessUsage, totalRssBytes, watchPeakRss } from '../host/process-usage.js';
import { type FigureOutcome, valueResult } from '../report/result.js';
import { compareToLimit } from './compare.js';

export const statsFigure = 'stats: 1 Hz of 100 containers';

const MiB = 2 ** 20;

/** The agent's share of one core over `seconds`, from its own CPU time in /proc. */
async function cpuPercentOver(pid: number, seconds: number): Promise<number> {
  const before = readProcessUsage(pid).cpuMs;
  const start = performance.now();
  await sleep(seconds * 1000);
  const used = readProcessUsage(pid).cpuMs - before;
  return (used / (performance.now() - start)) * 100;
}

/**
 * Figure 4: a running agent with `statsContainers` containers, first with nobody
 * watching (the sampler alone: cgroup reads once a second), then with
 * `statsSubscribers` WebSocket clients on `stats.watchAll` (as many open dashboards).
 * CPU is the agent process's own user+system time; RSS its own resident memory, and
 * separately with its warm processes (idle Node inits and exec shim).
 */
export async function measureStats(
  context: BenchContext,
  agent: AgentProcess,
): Promise<FigureOutcome> {
  const { reps } = context;
  const count = reps.statsContainers;
  const subscribers: Array<{ close(): void; ticks: number; entries: number }> = [];
  let outcome: FigureOutcome;
  try {
    context.log(`stats: starting ${count} containers`);
    await createSleepers(agent.client, count, 4, 'stats');
    await sleep(3000); // the sampler's history fills; first-tick costs pass
    context.log(`stats: ${reps.statsWindowS} s without subscribers`);
    const idleCpu = await cpuPercentOver(agent.pid, reps.statsWindowS);

    for (let i = 0; i < reps.statsSubscribers; i++) {
      const { client, close } = agent.subscriber();
      const watcher = { close, ticks: 0, entries: 0 };
      const subscription = client.stats.watchAll.subscribe(undefined, {
        onData(readings) {
          watcher.ticks++;
          watcher.entries += readings.length;
        },
      });
      watcher.close = () => {
        subscription.unsubscribe();
        close();
      };
      subscribers.push(watcher);
    }
    await sleep(3000);
    for (const s of subscribers) {
      s.ticks = 0;
      s.entries = 0;
    }
    context.log(`stats: ${reps.statsWindowS} s with ${reps.statsSubscribers} subscribers`);
    const peak = watchPeakRss(agent.pid);
    const streamingCpu = await cpuPercentOver(agent.pid, reps.statsWindowS);
    const peakRss = peak.stop();
    const withPool = totalRssBytes([agent.pid, ...childPids(agent.pid)]);
    const ticks = subscribers.reduce((sum, s) => sum + s.ticks, 0) / subscribers.length;
    const entriesPerTick =
      subscribers.reduce((sum, s) => sum + s.entries, 0) / Math.max(1, ticks * subscribers.length);

    const subscribersLabel = `cove agent, ${reps.statsSubscribers} subscribers`;
    const results = [
      valueResult(statsFigure, 'cove agent, no subscriber', idleCpu, '% of one core'),
      valueResult(statsFigure, subscribersLabel, streamingCpu, '% of one core'),
      valueResult(statsFigure, `${subscribersLabel}: peak agent RSS`, peakRss / MiB, 'MiB'),
      valueResult(
        statsFigure,
        `${subscribersLabel}: agent + warm processes RSS`,
        withPool / MiB,
        'MiB',
      ),
      valueResult(
        statsFigure,
        `${subscribersLabel}: updates per subscriber per s`,
        ticks / reps.statsWindowS,
        'Hz',
      ),
      valueResult(
        statsFigure,
        `${subscribersLabel}: containers per update`,
        entriesPerTick,
        'containers',
      ),
    ];
    outcome = {
      results,
      targets: [
        compareToLimit(
          'stats: agent CPU (100 containers, 10 subscribers)',
          streamingCpu,
          2,
          '% of one core',
        ),
        compareToLimit('stats: agent RSS', peakRss / MiB, 150, 'MiB'),
      ],
      notes: [],
    };
  } finally {
    for (const s of subscribers) s.close();
  }
  context.log(`stats: removing ${count} containers`);
  const removal = await removeEverything(agent.client, 4, performance.now() + 60_000);
  if (removal.failures.length) {
    outcome.notes.push(
      `Stats: the agent failed to remove ${removal.failures.length} of ${count} containers (${removal.failures[0]}); the bench removed them afterwards.`,
    );
  }
  return outcome;
}
