import type { Samples } from '../measure/alternate.js';
import { type Summary, summarize } from '../measure/summary.js';

/** A time figure, as `bench/results/latest.json` holds it. */
export interface TimeResult {
  figure: string;
  tool: string;
  median_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
  n: number;
  p99_ms?: number;
}

/** A figure that is not a time: CPU share, memory, throughput, a count. */
export interface ValueResult {
  figure: string;
  tool: string;
  value: number;
  unit: string;
  n?: number;
}

export type BenchResult = TimeResult | ValueResult;

/** One of the targets, with what this run measured against it. */
export interface TargetCheck {
  target: string;
  goal: string;
  measured: string;
  met: boolean;
}

/** What a figure's module hands back. */
export interface FigureOutcome {
  results: BenchResult[];
  targets: TargetCheck[];
  /** Facts worth printing beside the table (what was compared, what was left). */
  notes: string[];
}

const round = (value: number) => Math.round(value * 100) / 100;

export function timeResult(
  figure: string,
  tool: string,
  summary: Summary,
  withP99 = false,
): TimeResult {
  return {
    figure,
    tool,
    median_ms: round(summary.median),
    p90_ms: round(summary.p90),
    min_ms: round(summary.min),
    max_ms: round(summary.max),
    n: summary.n,
    ...(withP99 ? { p99_ms: round(summary.p99) } : {}),
  };
}

export function valueResult(
  figure: string,
  tool: string,
  value: number,
  unit: string,
  n?: number,
): ValueResult {
  return { figure, tool, value: round(value), unit, ...(n === undefined ? {} : { n }) };
}

export function isTimeResult(result: BenchResult): result is TimeResult {
  return 'median_ms' in result;
}

export function emptyOutcome(): FigureOutcome {
  return { results: [], targets: [], notes: [] };
}

/** One row per figure and tool, figures in the order measured, tools in `toolOrder`. */
export function timeResults(samples: Samples, toolOrder: readonly string[]): TimeResult[] {
  const results: TimeResult[] = [];
  for (const [figure, byTool] of samples) {
    for (const tool of toolOrder) {
      const list = byTool.get(tool);
      if (list) results.push(timeResult(figure, tool, summarize(list)));
    }
  }
  return results;
}
