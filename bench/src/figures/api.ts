import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { createSleepers, removeEverything } from '../cove/container-batch.js';
import { summarize } from '../measure/summary.js';
import { type FigureOutcome, timeResult, valueResult } from '../report/result.js';
import { compareToLimit } from './compare.js';

export const listFigure = 'api: containers.list';
export const inspectFigure = 'api: containers.inspect by id';
export const streamingFigure = 'api: stats subscribers during the requests';

/** Requests per procedure and condition, after `warmupRequests` that are thrown away. */
const requests = 500;
const warmupRequests = 50;

/**
 * p99 limits. A dashboard view feels instant under ~100 ms; the list (the containers
 * page, fetched again after every container event) gets half, the rest is the
 * browser's. An inspect reads one record, so nearly all of its time is HTTP, tRPC and
 * waiting for the agent's event loop: 20 ms bounds how long anything (the stats
 * sampler's tick) may hold that loop.
 */
const listLimitMs = 50;
const inspectLimitMs = 20;

interface Latencies {
  list: number[];
  inspect: number[];
}

async function timed(request: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await request();
  return performance.now() - start;
}

/**
 * `containers.list` and `containers.inspect` one after the other, one request in flight,
 * the first of the pair alternating so neither always follows the other. Inspects go
 * round the containers by full id.
 */
async function timeRequests(agent: AgentProcess, ids: readonly string[]): Promise<Latencies> {
  const { containers } = agent.client;
  const latencies: Latencies = { list: [], inspect: [] };
  for (let i = 0; i < warmupRequests + requests; i++) {
    const id = ids[i % ids.length] as string;
    const list = () => timed(() => containers.list.query());
    const inspect = () => timed(() => containers.inspect.query({ id }));
    let listMs: number;
    let inspectMs: number;
    if (i % 2 === 0) {
      listMs = await list();
      inspectMs = await inspect();
    } else {
      inspectMs = await inspect();
      listMs = await list();
    }
    if (i < warmupRequests) continue;
    latencies.list.push(listMs);
    latencies.inspect.push(inspectMs);
  }
  return latencies;
}

/** `count` WebSocket clients on `stats.watchAll`, as many open dashboards, counting updates. */
function watchStats(agent: AgentProcess, count: number) {
  const watchers = Array.from({ length: count }, () => {
    const { client, close } = agent.subscriber();
    const watcher = { updates: 0, close };
    const subscription = client.stats.watchAll.subscribe(undefined, {
      onData() {
        watcher.updates++;
      },
    });
    watcher.close = () => {
      subscription.unsubscribe();
      close();
    };
    return watcher;
  });
  return {
    updates: () => watchers.reduce((sum, w) => sum + w.updates, 0),
    close: () => {
      for (const w of watchers) w.close();
    },
  };
}

/**
 * Figure 7: the agent's tRPC API as a client sees it, over HTTP with the real tRPC
 * client (`httpLink`; the dashboard's `httpBatchLink` sends batches of one when one
 * request is in flight), on a fresh agent with `statsContainers` running containers.
 * Wall time per request, first with nobody watching stats (the sampler still ticks once
 * a second), then with `statsSubscribers` WebSocket clients on `stats.watchAll`.
 */
export async function measureApi(
  context: BenchContext,
  agent: AgentProcess,
): Promise<FigureOutcome> {
  const { reps } = context;
  const count = reps.statsContainers;
  let watchers: ReturnType<typeof watchStats> | undefined;
  let outcome: FigureOutcome;
  try {
    context.log(`api: starting ${count} containers`);
    const records = await createSleepers(agent.client, count, 4, 'api');
    const ids = records.map((record) => record.id);
    const listed = (await agent.client.containers.list.query()).length;
    if (listed !== count) throw new Error(`the agent lists ${listed} containers, not ${count}`);
    await sleep(3000); // the pool refills; the sampler's first ticks pass

    context.log(`api: ${requests} of each request without subscribers`);
    const idle = await timeRequests(agent, ids);

    watchers = watchStats(agent, reps.statsSubscribers);
    await sleep(3000); // every subscriber connected and receiving
    context.log(`api: ${requests} of each request with ${reps.statsSubscribers} subscribers`);
    const updatesBefore = watchers.updates();
    const start = performance.now();
    const streaming = await timeRequests(agent, ids);
    const seconds = (performance.now() - start) / 1000;
    const updateRate = (watchers.updates() - updatesBefore) / reps.statsSubscribers / seconds;

    const idleTool = 'cove agent tRPC';
    const streamingTool = `cove agent tRPC, ${reps.statsSubscribers} stats subscribers`;
    const list = `${listFigure} (${count} running)`;
    const inspect = `${inspectFigure} (${count} running)`;
    const streamingList = summarize(streaming.list);
    const streamingInspect = summarize(streaming.inspect);
    outcome = {
      results: [
        timeResult(list, idleTool, summarize(idle.list), true),
        timeResult(list, streamingTool, streamingList, true),
        timeResult(inspect, idleTool, summarize(idle.inspect), true),
        timeResult(inspect, streamingTool, streamingInspect, true),
        valueResult(
          streamingFigure,
          'cove agent WebSocket: updates per subscriber per s',
          updateRate,
          'Hz',
        ),
      ],
      targets: [
        compareToLimit(
          `api: containers.list p99 (${count} containers, ${reps.statsSubscribers} subscribers)`,
          streamingList.p99,
          listLimitMs,
          'ms',
        ),
        compareToLimit(
          `api: containers.inspect p99 (${count} containers, ${reps.statsSubscribers} subscribers)`,
          streamingInspect.p99,
          inspectLimitMs,
          'ms',
        ),
      ],
      notes: [],
    };
  } finally {
    watchers?.close();
  }
  context.log(`api: removing ${count} containers`);
  const removal = await removeEverything(agent.client, 4, performance.now() + 60_000);
  if (removal.failures.length) {
    outcome.notes.push(
      `API: the agent failed to remove ${removal.failures.length} of ${count} containers (${removal.failures[0]}); the bench removed them afterwards.`,
    );
  }
  return outcome;
}
