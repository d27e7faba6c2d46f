import { setTimeout as sleep } from 'node:timers/promises';
import type { CgroupStats, Engine } from '@cove/core';
import { cpuPercent } from '@cove/core';
import { formatTable } from '../format.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

const flagSpecs: FlagSpec[] = [{ long: 'no-stream' }, { long: 'format', value: true }];

/** The interval over which cpu % is measured, and between two printed readings. */
const intervalMs = 1000;

interface StatsRow {
  id: string;
  name: string;
  cpuPercent: number;
  stats: CgroupStats;
}

const mib = (bytes: number | null) =>
  bytes === null ? 'no limit' : `${(bytes / 1024 / 1024).toFixed(1)}MiB`;

function render(rows: StatsRow[], format: string | undefined): string {
  if (format === 'json') return rows.map((row) => JSON.stringify(row)).join('\n');
  return formatTable(
    ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM PEAK', 'PIDS / LIMIT'],
    rows.map((r) => [
      r.id.slice(0, 12),
      r.name,
      `${r.cpuPercent.toFixed(2)}%`,
      `${mib(r.stats.memory.current)} / ${mib(r.stats.memory.limit)}`,
      mib(r.stats.memory.peak),
      `${r.stats.pids.current} / ${r.stats.pids.limit ?? 'no limit'}`,
    ]),
  );
}

/** `cove stats [--no-stream] [--format json] [ID...]`: live cgroup readings, like docker stats. */
export async function stats(engine: Engine, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('stats', args, flagSpecs);
  const format = flags.get('format')?.at(-1);
  const references = () =>
    rest.length
      ? rest
      : engine
          .list()
          .filter((r) => r.state.status === 'running' || r.state.status === 'paused')
          .map((r) => r.id);
  let previous = new Map<string, { usec: number; at: number }>();
  const take = async () => {
    const rows: StatsRow[] = [];
    const next = new Map<string, { usec: number; at: number }>();
    for (const reference of references()) {
      const record = engine.inspect(reference);
      const reading = await engine.stats(reference);
      const at = performance.now();
      const before = previous.get(record.id);
      next.set(record.id, { usec: reading.cpu.usageUsec, at });
      rows.push({
        id: record.id,
        name: record.name,
        cpuPercent: before ? cpuPercent(before.usec, reading.cpu.usageUsec, at - before.at) : 0,
        stats: reading,
      });
    }
    previous = next;
    return rows;
  };
  // cpu % needs two readings: the first only starts the clock.
  await take();
  for (;;) {
    await sleep(intervalMs);
    const rows = await take();
    if (process.stdout.isTTY && !flags.has('no-stream')) process.stdout.write('\x1b[2J\x1b[H');
    console.log(render(rows, format));
    if (flags.has('no-stream')) return 0;
  }
}
