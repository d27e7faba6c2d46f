import type { TargetCheck, TimeResult } from '../report/result.js';

function medianOf(
  results: readonly TimeResult[],
  figure: string,
  tool: string,
): number | undefined {
  return results.find((r) => r.figure === figure && r.tool === tool)?.median_ms;
}

/** A "median at or below (or `factor` times below) the reference tool's" target. */
export function compareToBest(
  results: readonly TimeResult[],
  figure: string,
  tool: string,
  reference: string,
  target: string,
  factor = 1,
): TargetCheck {
  const ours = medianOf(results, figure, tool);
  const theirs = medianOf(results, figure, reference);
  if (ours === undefined || theirs === undefined) {
    return {
      target,
      goal: `≤ ${reference}${factor === 1 ? '' : ` / ${factor}`}`,
      measured: 'not measured',
      met: false,
    };
  }
  const limit = theirs / factor;
  return {
    target,
    goal: `≤ ${limit.toFixed(1)} ms (${reference} ${theirs.toFixed(1)} ms${factor === 1 ? '' : ` / ${factor}`})`,
    measured: `${ours.toFixed(1)} ms (${(ours / theirs).toFixed(2)}× ${reference})`,
    met: ours <= limit,
  };
}

/** A "value below a fixed limit" target. */
export function compareToLimit(
  target: string,
  value: number | undefined,
  limit: number,
  unit: string,
  direction: 'below' | 'above' = 'below',
): TargetCheck {
  if (value === undefined || Number.isNaN(value)) {
    return {
      target,
      goal: `${direction === 'below' ? '<' : '≥'} ${limit} ${unit}`,
      measured: 'not measured',
      met: false,
    };
  }
  return {
    target,
    goal: `${direction === 'below' ? '<' : '≥'} ${limit} ${unit}`,
    measured: `${value.toFixed(value < 10 ? 2 : 1)} ${unit}`,
    met: direction === 'below' ? value < limit : value >= limit,
  };
}
