import type { Engine } from '@cove/core';
import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { watchDeaths } from '../cove/container-deaths.js';
import { alternate, type Contender } from '../measure/alternate.js';
import { type FigureOutcome, timeResults } from '../report/result.js';
import { compareToBest } from './compare.js';

export const startRunningFigure = 'start: call → /bin/true running';
export const startExitFigure = 'start: call → /bin/true exited';

const trueSpec = { image: 'busybox', command: ['/bin/true'], autoRemove: true };

/**
 * Figure 1. Cove through its engine API in a long-lived process (the agent's own path,
 * warm pool) and through a running agent's tRPC API, beside `crun run` and `runc run`
 * of the same rootfs. "Running" is when the call returns: for Cove, once the user's
 * program has exec'd (the init's close-on-exec error pipe closed); for runc and crun,
 * `run --detach`, which returns once the container's process is started.
 */
export async function measureStart(
  context: BenchContext,
  engine: Engine,
  agent: AgentProcess,
): Promise<FigureOutcome> {
  const { reps, crun, runc, bundles } = context;
  const deaths = await watchDeaths(agent.client);
  const contenders: Contender[] = [
    {
      tool: 'cove engine API',
      async once() {
        const start = performance.now();
        const container = await engine.run(trueSpec, { kind: 'log' });
        const running = performance.now();
        await container.exited;
        return {
          [startRunningFigure]: running - start,
          [startExitFigure]: performance.now() - start,
        };
      },
    },
    {
      tool: 'cove agent tRPC',
      async once() {
        const start = performance.now();
        const record = await agent.client.containers.create.mutate({ spec: trueSpec, start: true });
        const running = performance.now();
        const died = await deaths.died(record.id);
        return { [startRunningFigure]: running - start, [startExitFigure]: died - start };
      },
    },
    {
      tool: 'crun run',
      once: async (round) => ({
        [startExitFigure]: await crun.run(`start-${round}`, bundles.trueCrun),
      }),
    },
    {
      tool: 'runc run',
      once: async (round) => ({
        [startExitFigure]: await runc.run(`start-${round}`, bundles.trueRunc),
      }),
    },
    {
      tool: 'crun run -d',
      async once(round) {
        const id = `start-d-${round}`;
        const ms = await crun.runDetached(id, bundles.trueCrun);
        await crun.remove(id);
        return { [startRunningFigure]: ms };
      },
    },
    {
      tool: 'runc run -d',
      async once(round) {
        const id = `start-d-${round}`;
        const ms = await runc.runDetached(id, bundles.trueRunc);
        await runc.remove(id);
        return { [startRunningFigure]: ms };
      },
    },
  ];
  try {
    const samples = await alternate(contenders, {
      warmup: reps.warmup,
      rounds: reps.rounds,
      pauseMs: reps.pauseMs,
      onRound: (round) => context.log(`start: round ${round + 1}/${reps.warmup + reps.rounds}`),
    });
    const results = timeResults(
      samples,
      contenders.map((c) => c.tool),
    );
    const targets = [
      compareToBest(
        results,
        startExitFigure,
        'cove engine API',
        'crun run',
        'engine run → exit at or below crun run',
      ),
      compareToBest(
        results,
        startRunningFigure,
        'cove engine API',
        'crun run -d',
        'engine start → running at or below crun run -d',
      ),
    ];
    return {
      results,
      targets,
      notes: [
        'Start: every Cove container gets a fresh overlay upper layer and its /etc files; runc and crun run the shared rootfs directly. Cove also applies its default seccomp filter; the runc spec used has none.',
      ],
    };
  } finally {
    deaths.close();
  }
}
