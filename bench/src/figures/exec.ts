import type { Engine } from '@cove/core';
import type { BenchContext } from '../bench-context.js';
import { alternate, type Contender } from '../measure/alternate.js';
import { timeCommand } from '../measure/timed-spawn.js';
import { type FigureOutcome, timeResults } from '../report/result.js';
import { compareToBest } from './compare.js';

export const execFigure = 'exec: /bin/true into a running container';

/**
 * Figure 3: `/bin/true` into a running `sleep` container. Cove execs from the running
 * engine (a warm exec shim: setns, spawn, cgroup), the others are fresh processes:
 * `crun exec` and `runc exec` into their own container, `nsenter -a` into Cove's (it
 * joins the namespaces but not the cgroup, and checks nothing: the floor).
 */
export async function measureExec(context: BenchContext, engine: Engine): Promise<FigureOutcome> {
  const { reps, crun, runc, bundles } = context;
  const cove = await engine.run(
    { image: 'busybox', command: ['sleep', '1000000'] },
    { kind: 'log' },
  );
  await crun.runDetached('exec-target', bundles.sleepCrun);
  await runc.runDetached('exec-target', bundles.sleepRunc);
  try {
    const contenders: Contender[] = [
      {
        tool: 'cove engine API',
        async once() {
          const start = performance.now();
          const process = await engine.exec(cove.id, { args: ['/bin/true'] });
          const code = await process.exited;
          if (code !== 0) throw new Error(`cove exec /bin/true exited ${code}`);
          return { [execFigure]: performance.now() - start };
        },
      },
      {
        tool: 'crun exec',
        once: async () => ({ [execFigure]: await crun.exec('exec-target', ['/bin/true']) }),
      },
      {
        tool: 'runc exec',
        once: async () => ({ [execFigure]: await runc.exec('exec-target', ['/bin/true']) }),
      },
      {
        tool: 'nsenter -a',
        once: async () => ({
          [execFigure]: await timeCommand('nsenter', ['-a', '-t', String(cove.pid), '/bin/true']),
        }),
      },
    ];
    const samples = await alternate(contenders, {
      warmup: reps.warmup,
      rounds: reps.rounds,
      pauseMs: reps.pauseMs,
      onRound: (round) => context.log(`exec: round ${round + 1}/${reps.warmup + reps.rounds}`),
    });
    const results = timeResults(
      samples,
      contenders.map((c) => c.tool),
    );
    return {
      results,
      targets: [
        compareToBest(
          results,
          execFigure,
          'cove engine API',
          'crun exec',
          'exec at or below crun exec',
        ),
      ],
      notes: [],
    };
  } finally {
    await engine.remove(cove.id, { force: true });
    await crun.remove('exec-target');
    await runc.remove('exec-target');
  }
}
