import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One tool under test. A round runs `once` and gets the milliseconds of each figure it
 * measured, e.g. `{ running: 31.2, exit: 38.9 }` for a run that reports both moments.
 */
export interface Contender {
  tool: string;
  once(round: number): Promise<Record<string, number>>;
}

export interface AlternateOptions {
  /** Rounds run first and thrown away: caches, page tables, warm pools. */
  warmup: number;
  rounds: number;
  /** Idle time after every run, the same for every tool (the engine refills its pools here). */
  pauseMs: number;
  onRound?(round: number): void;
}

/** Samples keyed by figure, then by tool. */
export type Samples = Map<string, Map<string, number[]>>;

/**
 * Runs the contenders in turn, one run each per round, starting each round with the
 * next tool so none always runs first (right after the pause) or last. Alternating
 * spreads a drift of the machine (a background job, a thermal change) over all tools
 * instead of charging it to whichever ran at that moment.
 */
export async function alternate(
  contenders: readonly Contender[],
  options: AlternateOptions,
): Promise<Samples> {
  const samples: Samples = new Map();
  const total = options.warmup + options.rounds;
  for (let round = 0; round < total; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(round + i) % contenders.length];
      if (!contender) continue;
      const measured = await contender.once(round);
      if (round >= options.warmup) {
        for (const [figure, ms] of Object.entries(measured)) {
          const byTool = samples.get(figure) ?? new Map<string, number[]>();
          samples.set(figure, byTool);
          const list = byTool.get(contender.tool) ?? [];
          byTool.set(contender.tool, list);
          list.push(ms);
        }
      }
      await sleep(options.pauseMs);
    }
    options.onRound?.(round);
  }
  return samples;
}
