import type { Machine } from '../host/machine.js';
import { type BenchResult, isTimeResult, type TargetCheck, type TimeResult } from './result.js';

const fixed = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

/** The median of the figure's row whose tool starts with `runtime` ("crun run", "crun exec"). */
function referenceMedian(
  rows: readonly TimeResult[],
  figure: string,
  runtime: string,
): number | undefined {
  return rows.find((r) => r.figure === figure && r.tool.startsWith(`${runtime} `))?.median_ms;
}

function ratio(value: number, reference: number | undefined): string {
  return reference === undefined ? '–' : `${(value / reference).toFixed(2)}×`;
}

export function timeTable(results: readonly BenchResult[]): string {
  const rows = results.filter(isTimeResult);
  const lines = [
    '| figure | tool | median ms | p90 ms | min–max ms | n | ÷ crun | ÷ runc |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const crun = referenceMedian(rows, row.figure, 'crun');
    const runc = referenceMedian(rows, row.figure, 'runc');
    const p90 =
      row.p99_ms === undefined
        ? fixed(row.p90_ms)
        : `${fixed(row.p90_ms)} (p99 ${fixed(row.p99_ms)})`;
    lines.push(
      `| ${row.figure} | ${row.tool} | ${fixed(row.median_ms)} | ${p90} | ${fixed(row.min_ms)}–${fixed(row.max_ms)} | ${row.n} | ${ratio(row.median_ms, crun)} | ${ratio(row.median_ms, runc)} |`,
    );
  }
  return lines.join('\n');
}

export function valueTable(results: readonly BenchResult[]): string {
  const lines = ['| figure | tool | value | unit |', '| --- | --- | ---: | --- |'];
  for (const row of results) {
    if (isTimeResult(row)) continue;
    lines.push(`| ${row.figure} | ${row.tool} | ${fixed(row.value)} | ${row.unit} |`);
  }
  return lines.join('\n');
}

export function targetTable(targets: readonly TargetCheck[]): string {
  const lines = ['| target | goal | measured | met |', '| --- | --- | --- | --- |'];
  for (const t of targets)
    lines.push(`| ${t.target} | ${t.goal} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

export function machineLine(machine: Machine): string {
  const tools = Object.entries(machine.tools)
    .map(([name, version]) => `${name}: ${version}`)
    .join('; ');
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os}, kernel ${machine.kernel}; Node ${machine.node}; load average ${machine.loadAverage.toFixed(2)} at the start. ${tools}`;
}

export interface Report {
  date: string;
  command: string;
  machine: Machine;
  results: BenchResult[];
  targets: TargetCheck[];
  notes: string[];
  failures: string[];
}

export function renderReport(report: Report): string {
  const parts = [
    `## Cove benchmarks, ${report.date}`,
    '',
    `Command: \`${report.command}\`  `,
    `Machine: ${machineLine(report.machine)}`,
    '',
    "### Times (alternating runs; ratios are medians divided by the same figure's crun / runc median)",
    '',
    timeTable(report.results),
    '',
    '### Other figures',
    '',
    valueTable(report.results),
    '',
    '### Targets',
    '',
    targetTable(report.targets),
  ];
  if (report.notes.length) parts.push('', '### Notes', '', ...report.notes.map((n) => `- ${n}`));
  if (report.failures.length) {
    parts.push('', '### Failed figures', '', ...report.failures.map((f) => `- ${f}`));
  }
  return `${parts.join('\n')}\n`;
}
