'use client';

import { useMemo } from 'react';
import type uPlot from 'uplot';
import { withAlpha } from './chart-colors';
import { ChartLegend } from './chart-legend';
import type { ChartProps } from './chart-props';
import styles from './stats-panel.module.css';
import { TimeChart } from './time-chart';
import { visibleMax } from './visible-max';

/** A limit this many times the busiest moment would flatten the curve: it leaves the scale. */
const offScaleFactor = 8;

/** pids.current against pids.max: a fork bomb or a thread leak shows as a climb to the line. */
export function PidsChart({
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
        label: 'pids.current',
        stroke: colors['--chart-pids'],
        fill: withAlpha(colors['--chart-pids'], 0.18),
        width: 1.5,
      },
      { label: 'pids.max', stroke: colors['--chart-limit'], width: 1.5, dash: [6, 4] },
    ],
    [colors],
  );
  const palette = useMemo(
    () => ({ axis: colors['--chart-axis'], grid: colors['--chart-grid'] }),
    [colors],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [buffer.x, buffer.pids, buffer.pidsLimit],
    [buffer],
  );

  const peak = visibleMax(buffer.x, [buffer.pids], xRange[0]);
  const limitNow = buffer.latest?.pids.limit ?? null;
  const limitOnScale = limitNow !== null && limitNow <= Math.max(peak, 4) * offScaleFactor;
  const yRange = (): [number, number] => {
    const top = limitOnScale ? Math.max(peak, limitNow ?? 0) : peak;
    return [0, Math.max(4, Math.ceil(top * 1.15))];
  };

  const at = (column: readonly (number | null)[]) =>
    hover !== null ? column[hover] : column.at(-1);
  const latest = buffer.latest;

  return (
    <section className={styles.chartCard} aria-labelledby="pids-title">
      <header className={styles.chartHeader}>
        <h3 id="pids-title">Processes</h3>
        <span className={`${styles.headline} numeric`}>
          <span data-testid="pids-latest" data-value={latest?.pids.current ?? ''}>
            {latest ? latest.pids.current : '—'}
          </span>
          <span className="muted">
            {' of '}
            <span data-testid="pids-limit" data-value={latest?.pids.limit ?? ''}>
              {latest?.pids.limit ?? 'no limit'}
            </span>
            {limitNow !== null && !limitOnScale ? ' (limit off the scale)' : ''}
          </span>
        </span>
      </header>
      <TimeChart
        label={`Processes over time: now ${latest?.pids.current ?? 'unknown'}`}
        size="small"
        palette={palette}
        series={series}
        data={data}
        version={version}
        xRange={xRange}
        yRange={yRange}
        yFormat={(value) => (Number.isInteger(value) ? String(value) : '')}
        marks={marks}
        onHover={onHover}
        syncKey={syncKey}
      />
      <ChartLegend
        items={[
          {
            label: 'pids.current',
            color: colors['--chart-pids'],
            line: 'area',
            value: String(at(buffer.pids) ?? '—'),
            hint: 'Processes and threads in the cgroup.',
          },
          {
            label: 'pids.max',
            color: colors['--chart-limit'],
            line: 'dashed',
            value: String(at(buffer.pidsLimit) ?? 'none'),
            hint: 'fork() and clone() fail with EAGAIN at this count.',
          },
        ]}
      />
    </section>
  );
}
