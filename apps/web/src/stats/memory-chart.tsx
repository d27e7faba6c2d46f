'use client';

import { useMemo } from 'react';
import type uPlot from 'uplot';
import { formatBytes } from '~/format/format-bytes';
import { withAlpha } from './chart-colors';
import { ChartLegend } from './chart-legend';
import type { ChartProps } from './chart-props';
import styles from './stats-panel.module.css';
import { TimeChart } from './time-chart';
import { visibleMax } from './visible-max';

/**
 * memory.current against memory.max, broken down: anon (what processes hold) and file
 * (page cache) stacked, so a number that looks full but is mostly reclaimable cache
 * reads as such. The limit is always on the scale: the point is to see the climb to it.
 */
export function MemoryChart({
  buffer,
  version,
  xRange,
  marks,
  colors,
  hover,
  onHover,
  syncKey,
}: ChartProps) {
  const series = useMemo<uPlot.Series[]>(
    () => [
      {
        label: 'anon',
        stroke: colors['--chart-anon'],
        fill: withAlpha(colors['--chart-anon'], 0.3),
        width: 1,
      },
      { label: 'anon + file', stroke: colors['--chart-file'], width: 1 },
      { label: 'memory.current', stroke: colors['--chart-current'], width: 1.5 },
      { label: 'memory.max', stroke: colors['--chart-limit'], width: 1.5, dash: [6, 4] },
    ],
    [colors],
  );
  const bands = useMemo<uPlot.Band[]>(
    () => [{ series: [2, 1], fill: withAlpha(colors['--chart-file'], 0.25) }],
    [colors],
  );
  const palette = useMemo(
    () => ({ axis: colors['--chart-axis'], grid: colors['--chart-grid'] }),
    [colors],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [buffer.x, buffer.anon, buffer.anonAndFile, buffer.current, buffer.memoryLimit],
    [buffer],
  );

  const yRange = (): [number, number] => {
    const max = visibleMax(
      buffer.x,
      [buffer.current, buffer.anonAndFile, buffer.memoryLimit],
      xRange[0],
    );
    return [0, max > 0 ? max * 1.1 : 1024 * 1024];
  };

  const at = (column: readonly (number | null)[]) =>
    hover !== null ? column[hover] : column.at(-1);
  const bytes = (value: number | null | undefined) => (value == null ? '—' : formatBytes(value));
  const anon = at(buffer.anon);
  const stacked = at(buffer.anonAndFile);
  const file = anon != null && stacked != null ? stacked - anon : null;
  const limit = at(buffer.memoryLimit);
  const latest = buffer.latest;

  return (
    <section className={styles.chartCard} aria-labelledby="memory-title">
      <header className={styles.chartHeader}>
        <h3 id="memory-title">Memory</h3>
        <span className={`${styles.headline} numeric`}>
          <span data-testid="memory-latest" data-value={latest?.memory.current ?? ''}>
            {latest ? formatBytes(latest.memory.current) : '—'}
          </span>
          <span className="muted">
            {' of '}
            <span data-testid="memory-limit" data-value={latest?.memory.limit ?? ''}>
              {latest?.memory.limit ? formatBytes(latest.memory.limit, 0) : 'no limit'}
            </span>
            {latest?.memory.limit
              ? ` · ${Math.round((latest.memory.current / latest.memory.limit) * 100)}%`
              : ''}
            {latest?.memory.peak ? ` · peak ${formatBytes(latest.memory.peak)}` : ''}
          </span>
        </span>
      </header>
      <TimeChart
        label={`Memory over time: now ${latest ? formatBytes(latest.memory.current) : 'unknown'}`}
        size="large"
        palette={palette}
        series={series}
        bands={bands}
        data={data}
        version={version}
        xRange={xRange}
        yRange={yRange}
        yFormat={(value) => formatBytes(value, 0)}
        marks={marks}
        markTestId="oom-mark"
        onHover={onHover}
        syncKey={syncKey}
      />
      <ChartLegend
        items={[
          {
            label: 'anon',
            color: colors['--chart-anon'],
            line: 'area',
            value: bytes(anon),
            hint: 'Memory the processes hold (heap, stacks). Only swap can take it back.',
          },
          {
            label: 'file (cache, tmpfs)',
            color: colors['--chart-file'],
            line: 'area',
            value: bytes(file),
            hint: 'Page cache, which the kernel reclaims before it OOM-kills, and tmpfs files such as /dev/shm, which it cannot.',
          },
          {
            label: 'memory.current',
            color: colors['--chart-current'],
            value: bytes(at(buffer.current)),
            hint: 'All memory charged to the cgroup, cache included: what memory.max limits.',
          },
          {
            label: 'memory.max',
            color: colors['--chart-limit'],
            line: 'dashed',
            value: limit == null ? 'none' : bytes(limit),
          },
        ]}
      />
      <p className={styles.note}>
        <strong>memory.current</strong> is the number the kernel holds against{' '}
        <strong>memory.max</strong>. Part of <strong>file</strong> is page cache, which the kernel
        drops before it OOM-kills; <strong>anon</strong> (and tmpfs) cannot be dropped without swap.
        A full-looking graph that is mostly cache is not in danger.
      </p>
    </section>
  );
}
