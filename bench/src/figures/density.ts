import { setTimeout as sleep } from 'node:timers/promises';
import { createEngine } from '@cove/core';
import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { createSleepers, removeEverything } from '../cove/container-batch.js';
import { removeAllContainers } from '../cove/engine-cleanup.js';
import { findLeftovers } from '../host/leftovers.js';
import {
  cgroupMemoryBytes,
  childPids,
  memAvailableBytes,
  readProcessUsage,
  totalRssBytes,
  watchPeakRss,
} from '../host/process-usage.js';
import { type FigureOutcome, valueResult } from '../report/result.js';
import { compareToLimit } from './compare.js';

export const densityFigure = 'density: sleep containers through the agent';

/** Creates in flight at once: a dashboard user starting many, or a script. */
const concurrency = 4;
const MiB = 2 ** 20;

/** No create (or removal) is sent after this many seconds: twice the target for 500. */
const giveUpSeconds = 120;

/**
 * Figure 6: `densityContainers` busybox `sleep` containers through a fresh agent's API,
 * `concurrency` requests in flight. Memory per container is what the containers' memory
 * cgroups hold, divided by the count; the drop of the host's MemAvailable per container
 * is given too, though other work on the machine moves it. Then every container is
 * removed and the host is searched for anything left.
 */
export async function measureDensity(
  context: BenchContext,
  agent: AgentProcess,
  storeRoot: string,
): Promise<FigureOutcome> {
  const count = context.reps.densityContainers;
  await sleep(2000); // the agent's warm pool is full
  const memBefore = memAvailableBytes();
  const rssBefore = readProcessUsage(agent.pid).rssBytes;
  const peak = watchPeakRss(agent.pid);
  context.log(`density: starting ${count} containers, ${concurrency} at a time`);
  const start = performance.now();
  const records = await createSleepers(
    agent.client,
    count,
    concurrency,
    'density',
    start + giveUpSeconds * 1000,
  );
  const startSeconds = (performance.now() - start) / 1000;
  const started = records.length;
  await sleep(3000); // the pool refills, the stats sampler ticks over all of them
  const settledRss = readProcessUsage(agent.pid).rssBytes;
  const withPool = totalRssBytes([agent.pid, ...childPids(agent.pid)]);
  const hostPerContainer = (memBefore - memAvailableBytes()) / Math.max(1, started);
  const memoryCgroups = records.flatMap((r) => r.cgroupPaths.filter((p) => p.includes('/memory')));
  const cgroupPerContainer = cgroupMemoryBytes(memoryCgroups) / Math.max(1, started);

  context.log(`density: removing ${started} containers`);
  const removeStart = performance.now();
  const removal = await removeEverything(
    agent.client,
    concurrency,
    removeStart + giveUpSeconds * 1000,
  );
  const removeSeconds = (performance.now() - removeStart) / 1000;
  const peakRss = peak.stop();
  const notes: string[] = [];
  if (removal.failures.length) {
    notes.push(
      `Density: the agent removed ${removal.removed} of ${started} containers in ${removeSeconds.toFixed(0)} s (${removal.failures[0]}); the bench stopped it and removed the rest with an engine of its own.`,
    );
    await agent.stop();
    await removeAllContainers(createEngine({ root: storeRoot }));
  } else {
    const listed = (await agent.client.containers.list.query()).length;
    if (listed)
      notes.push(`Density: the agent still lists ${listed} containers after removing all.`);
  }
  const left = findLeftovers(records, storeRoot);

  const tool = `cove agent tRPC, ${concurrency} in flight`;
  const figure = `${densityFigure} (${count})`;
  const limitSeconds = (60 * count) / 500;
  return {
    results: [
      valueResult(figure, `${tool}: containers started`, started, 'containers'),
      valueResult(figure, `${tool}: time to start them`, startSeconds, 's', started),
      valueResult(
        figure,
        `${tool}: per container`,
        (startSeconds * 1000) / Math.max(1, started),
        'ms',
        started,
      ),
      valueResult(figure, `${tool}: agent RSS before`, rssBefore / MiB, 'MiB'),
      valueResult(figure, `${tool}: agent RSS, all running`, settledRss / MiB, 'MiB'),
      valueResult(figure, `${tool}: agent RSS peak`, peakRss / MiB, 'MiB'),
      valueResult(figure, `${tool}: agent + warm processes RSS`, withPool / MiB, 'MiB'),
      valueResult(
        figure,
        `${tool}: memory per container (its cgroup)`,
        cgroupPerContainer / MiB,
        'MiB',
      ),
      valueResult(
        figure,
        `${tool}: host MemAvailable drop per container`,
        hostPerContainer / MiB,
        'MiB',
      ),
      valueResult(figure, `${tool}: time to remove them`, removeSeconds, 's', removal.removed),
      valueResult(figure, `${tool}: left behind after removal`, left.length, 'items'),
    ],
    targets: [
      started < count
        ? {
            target: `density: ${count} containers started`,
            goal: `< ${limitSeconds} s`,
            measured: `only ${started} started in ${startSeconds.toFixed(0)} s (gave up after ${giveUpSeconds} s)`,
            met: false,
          }
        : compareToLimit(`density: ${count} containers started`, startSeconds, limitSeconds, 's'),
      compareToLimit('density: agent RSS peak', peakRss / MiB, 250, 'MiB'),
      compareToLimit('density: nothing left after removal', left.length, 1, 'items'),
    ],
    notes: left.length ? [...notes, `Density left behind: ${left.slice(0, 10).join('; ')}`] : notes,
  };
}
