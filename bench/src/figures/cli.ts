import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../bench-context.js';
import type { AgentProcess } from '../cove/agent-process.js';
import { alternate, type Contender } from '../measure/alternate.js';
import { summarize } from '../measure/summary.js';
import { runCommand, timeCommand } from '../measure/timed-spawn.js';
import { coveBin } from '../repo-paths.js';
import { type FigureOutcome, type TimeResult, timeResult, timeResults } from '../report/result.js';
import { podmanBusybox } from '../runtimes/podman.js';
import { compareToBest } from './compare.js';

export const cliFigure = 'cli: run --rm busybox true';
export const cliExecFigure = 'cli: exec /bin/true into a running container';
export const cliHyperfineFigure = 'cli: same, hyperfine -N (not alternating)';
export const referenceFigure = 'reference: process start-up';

const execTarget = 'cli-exec-target';

/**
 * The CLI's environment as a user's shell would have it for this agent: `COVE_URL`, and
 * no `COVE_TOKEN` of the caller's, so the CLI reads the token from the store (`--root`).
 */
function cliEnvironment(agent: AgentProcess): NodeJS.ProcessEnv {
  const { COVE_TOKEN: _callersToken, ...inherited } = process.env;
  return { ...inherited, COVE_URL: agent.url };
}

/**
 * Figure 2: a fresh process per container, as a user types it. `cove run` asks the
 * bench's running agent over tRPC: one Node start-up for the CLI, the container start
 * happens in the agent with a warm init. `cove exec` the same way into a running
 * `sleep` container, beside `crun exec` and `runc exec` into their own.
 * Beside them the reference points: the harness's own cost of spawning a process
 * (`/bin/true`) and Node's start-up (`node -e 0`).
 */
export async function measureCli(
  context: BenchContext,
  agent: AgentProcess,
): Promise<FigureOutcome> {
  const { reps, crun, runc, podman, bundles } = context;
  const env = cliEnvironment(agent);
  const coveArgs = [coveBin, '--root', agent.root, 'run', '--rm', 'busybox', 'true'];
  const sleeper = await agent.client.containers.create.mutate({
    spec: { image: 'busybox', command: ['sleep', '1000000'] },
    start: true,
  });
  const coveExecArgs = [coveBin, '--root', agent.root, 'exec', sleeper.id, '/bin/true'];
  await crun.runDetached(execTarget, bundles.sleepCrun);
  await runc.runDetached(execTarget, bundles.sleepRunc);
  try {
    const contenders: Contender[] = [
      {
        tool: 'cove run --rm',
        once: async () => ({ [cliFigure]: await timeCommand(process.execPath, coveArgs, { env }) }),
      },
      {
        tool: 'crun run',
        once: async (r) => ({ [cliFigure]: await crun.run(`cli-${r}`, bundles.trueCrun) }),
      },
      {
        tool: 'runc run',
        once: async (r) => ({ [cliFigure]: await runc.run(`cli-${r}`, bundles.trueRunc) }),
      },
      {
        tool: 'podman run --rm',
        once: async () => ({ [cliFigure]: await podman.runRemoved([podmanBusybox, 'true']) }),
      },
      {
        tool: 'cove exec',
        once: async () => ({
          [cliExecFigure]: await timeCommand(process.execPath, coveExecArgs, { env }),
        }),
      },
      {
        tool: 'crun exec',
        once: async () => ({ [cliExecFigure]: await crun.exec(execTarget, ['/bin/true']) }),
      },
      {
        tool: 'runc exec',
        once: async () => ({ [cliExecFigure]: await runc.exec(execTarget, ['/bin/true']) }),
      },
      {
        tool: 'spawn /bin/true',
        once: async () => ({ [referenceFigure]: await timeCommand('/bin/true', []) }),
      },
      {
        tool: 'node -e 0',
        once: async () => ({ [referenceFigure]: await timeCommand(process.execPath, ['-e', '0']) }),
      },
    ];
    const samples = await alternate(contenders, {
      warmup: reps.warmup,
      rounds: reps.rounds,
      pauseMs: reps.pauseMs,
      onRound: (round) => context.log(`cli: round ${round + 1}/${reps.warmup + reps.rounds}`),
    });
    const results: TimeResult[] = timeResults(
      samples,
      contenders.map((c) => c.tool),
    );
    if (reps.hyperfine) results.push(...(await crossCheckWithHyperfine(context, coveArgs, env)));
    const podmanMedian = results.find(
      (r) => r.figure === cliFigure && r.tool === 'podman run --rm',
    );
    return {
      results,
      targets: [
        compareToBest(
          results,
          cliFigure,
          'cove run --rm',
          'podman run --rm',
          'CLI run at least 2× faster than podman run',
          2,
        ),
      ],
      notes: [
        'CLI: `cove run` and `cove exec` ask a running agent (COVE_URL, the token from the store), as every command but `cove agent` does.',
        ...(podmanMedian
          ? [
              'CLI: podman runs with runc, cgroupfs, the file events backend, --network none and rlimits below the hard limits (the only way it runs on these hosts).',
            ]
          : []),
      ],
    };
  } finally {
    await agent.client.containers.remove.mutate({ id: sleeper.id, force: true });
    await crun.remove(execTarget);
    await runc.remove(execTarget);
  }
}

interface HyperfineExport {
  results: Array<{ command: string; times: number[] }>;
}

/**
 * The same commands timed by hyperfine without a shell (`-N`), one tool after the
 * other, to check that the harness's own timing adds nothing that matters.
 */
async function crossCheckWithHyperfine(
  context: BenchContext,
  coveArgs: string[],
  env: NodeJS.ProcessEnv,
): Promise<TimeResult[]> {
  const { reps, bundles, dir, crun, runc } = context;
  const exportPath = join(dir, 'hyperfine.json');
  const commands: Array<[string, string]> = [
    ['cove run --rm', [process.execPath, ...coveArgs].join(' ')],
    ['crun run', ['crun', ...crun.runArgs('hyperfine', bundles.trueCrun)].join(' ')],
    ['runc run', ['runc', ...runc.runArgs('hyperfine', bundles.trueRunc)].join(' ')],
  ];
  context.log('cli: hyperfine cross-check');
  await runCommand(
    'hyperfine',
    [
      '--shell=none',
      '--warmup',
      String(reps.warmup),
      '--runs',
      String(reps.rounds),
      '--export-json',
      exportPath,
      ...commands.map(([, command]) => command),
    ],
    { env },
  );
  const exported = JSON.parse(readFileSync(exportPath, 'utf8')) as HyperfineExport;
  return exported.results.map((result, i) =>
    timeResult(
      cliHyperfineFigure,
      commands[i]?.[0] ?? result.command,
      summarize(result.times.map((s) => s * 1000)),
    ),
  );
}
