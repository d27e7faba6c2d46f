import { setTimeout as sleep } from 'node:timers/promises';
import { type ContainerSummary, formatBytes, type StatsSample } from '@cove/shared';
import type { AgentConnection } from '../agent/agent-connection.js';
import { CliError } from '../cli-error.js';
import { formatTable } from '../format.js';
import { type FlagSpec, parseFlags } from '../parse-flags.js';

const flagSpecs: FlagSpec[] = [{ long: 'no-stream' }, { long: 'format', value: true }];

interface StatsRow {
  id: string;
  name: string;
  cpuPercent: number;
  stats: Pick<StatsSample, 'memory' | 'pids' | 'network'>;
}

/** docker stats' NET I/O: received / sent, as the container counts them. */
function networkIo(sample: Pick<StatsSample, 'network'>): string {
  if (!sample.network) return '--';
  return `${formatBytes(sample.network.rxBytes)} / ${formatBytes(sample.network.txBytes)}`;
}

const mib = (bytes: number | null) =>
  bytes === null ? 'no limit' : `${(bytes / 1024 / 1024).toFixed(1)}MiB`;

function render(rows: StatsRow[], format: string | undefined): string {
  if (format === 'json') return rows.map((row) => JSON.stringify(row)).join('\n');
  return formatTable(
    ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM PEAK', 'NET I/O', 'PIDS / LIMIT'],
    rows.map((r) => [
      r.id.slice(0, 12),
      r.name,
      `${r.cpuPercent.toFixed(2)}%`,
      `${mib(r.stats.memory.current)} / ${mib(r.stats.memory.limit)}`,
      mib(r.stats.memory.peak),
      networkIo(r.stats),
      `${r.stats.pids.current} / ${r.stats.pids.limit ?? 'no limit'}`,
    ]),
  );
}

/** The containers asked for (by id prefix or name), or every running one. */
function select(summaries: ContainerSummary[], references: string[]): ContainerSummary[] {
  if (!references.length) return summaries.filter((s) => s.stats);
  return references.map((reference) => {
    const found = summaries.find(
      (s) => s.record.name === reference || s.record.id.startsWith(reference),
    );
    if (!found) throw new CliError(`no such container: ${reference}`, 1);
    return found;
  });
}

/**
 * `cove stats [--no-stream] [--format json] [ID...]`: the agent's readings of each
 * container's cgroup, taken every second (cpu % is over that second), like docker stats.
 */
export async function stats(agent: AgentConnection, args: string[]): Promise<number> {
  const { flags, rest } = parseFlags('stats', args, flagSpecs);
  const format = flags.get('format')?.at(-1);
  for (;;) {
    const summaries = select(await agent.client.containers.list.query(), rest);
    const rows = summaries.flatMap(({ record, stats: sample }) =>
      sample
        ? [
            {
              id: record.id,
              name: record.name,
              cpuPercent: sample.cpuPercent,
              stats: { memory: sample.memory, pids: sample.pids, network: sample.network },
            },
          ]
        : [],
    );
    if (process.stdout.isTTY && !flags.has('no-stream')) process.stdout.write('\x1b[2J\x1b[H');
    console.log(render(rows, format));
    if (flags.has('no-stream')) return 0;
    await sleep(1000);
  }
}
