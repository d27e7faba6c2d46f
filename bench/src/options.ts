export const figureNames = [
  'start',
  'cli',
  'exec',
  'terminal',
  'stats',
  'density',
  'api',
  'net-start',
  'net-throughput',
  'trace-start',
  'dns',
] as const;
export type FigureName = (typeof figureNames)[number];

export interface BenchOptions {
  quick: boolean;
  figures: FigureName[];
  /** Agents run with `--cpu-prof`: a V8 CPU profile each, in bench/results/profiles/. */
  profile: boolean;
}

export const usage = `Usage: npm run bench [-- [--quick] [--only=FIGURE,...]]

  --quick        fewer repetitions, 50 density containers: for development
  --only=LIST    some figures only: ${figureNames.join(', ')}
  --profile      write a CPU profile of each agent to bench/results/profiles/
                 (open it in Chrome DevTools or VS Code)

A full run with every figure writes bench/results/latest.json and latest.md; any other
run writes bench/results/dev.json and dev.md.`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let profile = false;
  let figures: FigureName[] = [...figureNames];
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--profile') profile = true;
    else if (arg.startsWith('--only=')) {
      const asked = arg.slice('--only='.length).split(',').filter(Boolean);
      const unknown = asked.filter((name) => !(figureNames as readonly string[]).includes(name));
      if (unknown.length) throw new Error(`unknown figure ${unknown.join(', ')}\n\n${usage}`);
      figures = asked as FigureName[];
    } else throw new Error(`unknown option ${arg}\n\n${usage}`);
  }
  return { quick, figures, profile };
}
