import type { StatsSample } from '@cove/shared';

/** The agent keeps 15 minutes; so does the chart. */
const historySeconds = 15 * 60;

/** Samples further apart than this are a stop, not a slow tick: the line breaks there. */
const gapSeconds = 3;

/**
 * A container's samples as uPlot's columns (one array per series, x in seconds), built
 * in place: appending a second costs a push per column, not a copy of 900 rows.
 */
export class StatsBuffer {
  readonly x: number[] = [];
  readonly anon: (number | null)[] = [];
  /** anon + file: the top of the stacked file band. */
  readonly anonAndFile: (number | null)[] = [];
  readonly current: (number | null)[] = [];
  readonly memoryLimit: (number | null)[] = [];
  readonly pids: (number | null)[] = [];
  readonly pidsLimit: (number | null)[] = [];
  readonly cpu: (number | null)[] = [];
  /** Bytes a second received and sent, from the counters' change since the sample before. */
  readonly rxRate: (number | null)[] = [];
  readonly txRate: (number | null)[] = [];
  latest: StatsSample | null = null;

  private get columns() {
    return [
      this.x,
      this.anon,
      this.anonAndFile,
      this.current,
      this.memoryLimit,
      this.pids,
      this.pidsLimit,
      this.cpu,
      this.rxRate,
      this.txRate,
    ];
  }

  /** Starts over from the agent's history (oldest first). */
  reset(samples: readonly StatsSample[]): void {
    for (const column of this.columns) column.length = 0;
    this.latest = null;
    for (const sample of samples) this.push(sample);
  }

  /** Appends a sample; older or repeated ones (a replay after reconnecting) are ignored. */
  push(sample: StatsSample): boolean {
    const seconds = sample.t / 1000;
    const last = this.x.at(-1);
    if (last !== undefined && seconds <= last) return false;
    if (last !== undefined && seconds - last > gapSeconds) this.appendGap(last + 1);
    this.x.push(seconds);
    this.anon.push(sample.memory.anon);
    this.anonAndFile.push(sample.memory.anon + sample.memory.file);
    this.current.push(sample.memory.current);
    this.memoryLimit.push(sample.memory.limit);
    this.pids.push(sample.pids.current);
    this.pidsLimit.push(sample.pids.limit);
    this.cpu.push(sample.cpuPercent);
    const previous = this.latest;
    this.rxRate.push(rate(previous, sample, 'rxBytes'));
    this.txRate.push(rate(previous, sample, 'txBytes'));
    this.latest = sample;
    this.trim(seconds - historySeconds);
    return true;
  }

  private appendGap(seconds: number) {
    this.x.push(seconds);
    for (const column of this.columns.slice(1)) column.push(null);
  }

  private trim(oldest: number) {
    let drop = 0;
    while (drop < this.x.length && (this.x[drop] as number) < oldest) drop++;
    if (drop > 0) for (const column of this.columns) column.splice(0, drop);
  }
}

/**
 * A counter's change per second between two samples; null without an interface, across
 * a gap, or when the counter went back (a restart gives the container a new interface).
 */
function rate(
  previous: StatsSample | null,
  sample: StatsSample,
  counter: 'rxBytes' | 'txBytes',
): number | null {
  const before = previous?.network?.[counter];
  const now = sample.network?.[counter];
  if (previous === null || before === undefined || now === undefined || now < before) return null;
  const seconds = (sample.t - previous.t) / 1000;
  if (seconds <= 0 || seconds > gapSeconds) return null;
  return (now - before) / seconds;
}
