'use client';

import { useMemo } from 'react';
import type uPlot from 'uplot';
import { withAlpha } from './chart-colors';
import { ChartLegend } from './chart-legend';
import type { ChartProps } from './chart-props';
import styles from './stats-panel.module.css';
import { TimeChart } from './time-chart';
import { visibleMax } from './visible-max';

/** CPU use where 100% is one full core; the axis reaches the `--cpus` quota when there is one. */
export function CpuChart({
  buffer,
  version,
  xRange,
  marks,
  colors,
  hover,
  onHover,
  syncKey,
  cpuLimit,
}: ChartProps & {
  /** `--cpus`, in CPUs; undefined when unlimited. */
  cpuLimit: number | undefined;
}) {
  const series = useMemo<uPlot.Series[]>(
    () => [
      {
        label: 'cpu',
        stroke: colors['--chart-cpu'],
        fill: withAlpha(colors['--chart-cpu'], 0.18),
        width: 1.5,
      },
    ],
    [colors],
  );
  const palette = useMemo(
    () => ({ axis: colors['--chart-axis'], grid: colors['--chart-grid'] }),
    [colors],
  );
  const data = useMemo<uPlot.AlignedData>(() => [buffer.x, buffer.cpu], [buffer]);
  const quota = cpuLimit === undefined ? undefined : cpuLimit * 100;
  const yRange = (): [number, number] => {
    const peak = visibleMax(buffer.x, [buffer.cpu], xRange[0]);
    return [0, Math.max(quota ?? 100, peak * 1.15, 10)];
  };
  const value = hover !== null ? buffer.cpu[hover] : buffer.cpu.at(-1);

  return (
    <section className={styles.chartCard} aria-labelledby="cpu-title">
      <header className={styles.chartHeader}>
        <h3 id="cpu-title">CPU</h3>
        <span className={`${styles.headline} numeric`}>
          <span data-testid="cpu-latest" data-value={buffer.latest?.cpuPercent ?? ''}>
            {buffer.latest ? `${buffer.latest.cpuPercent.toFixed(1)}%` : '—'}
          </span>
          <span className="muted">
            {quota === undefined ? ' · no quota' : ` of ${quota}% (${cpuLimit} CPUs)`}
          </span>
        </span>
      </header>
      <TimeChart
        label={`CPU over time: now ${buffer.latest?.cpuPercent ?? 'unknown'} percent`}
        size="small"
        palette={palette}
        series={series}
        data={data}
        version={version}
        xRange={xRange}
        yRange={yRange}
        yFormat={(v) => `${Math.round(v)}%`}
        marks={marks}
        onHover={onHover}
        syncKey={syncKey}
      />
      <ChartLegend
        items={[
          {
            label: 'cpu (100% = one core)',
            color: colors['--chart-cpu'],
            line: 'area',
            value: value == null ? '—' : `${value.toFixed(1)}%`,
          },
        ]}
      />
    </section>
  );
}
