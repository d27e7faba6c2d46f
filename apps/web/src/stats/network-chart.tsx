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

const perSecond = (bytes: number | null | undefined) =>
  bytes == null ? '—' : `${formatBytes(bytes)}/s`;

/**
 * Traffic through the container's interface, received and sent each second, from the
 * counters of its veth. Only a container on the bridge has an interface of its own.
 */
export function NetworkChart({
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
        label: 'received',
        stroke: colors['--chart-rx'],
        fill: withAlpha(colors['--chart-rx'], 0.15),
        width: 1.5,
      },
      { label: 'sent', stroke: colors['--chart-tx'], width: 1.5 },
    ],
    [colors],
  );
  const palette = useMemo(
    () => ({ axis: colors['--chart-axis'], grid: colors['--chart-grid'] }),
    [colors],
  );
  const data = useMemo<uPlot.AlignedData>(() => [buffer.x, buffer.rxRate, buffer.txRate], [buffer]);
  const yRange = (): [number, number] => {
    const peak = visibleMax(buffer.x, [buffer.rxRate, buffer.txRate], xRange[0]);
    return [0, Math.max(1024, peak * 1.15)];
  };
  const at = (column: readonly (number | null)[]) =>
    hover !== null ? column[hover] : column.at(-1);
  const received = buffer.latest?.network?.rxBytes;
  const sent = buffer.latest?.network?.txBytes;

  return (
    <section className={styles.chartCard} aria-labelledby="network-title">
      <header className={styles.chartHeader}>
        <h3 id="network-title">Network</h3>
        <span className={`${styles.headline} numeric`}>
          <span data-testid="network-received" data-value={received ?? ''}>
            {received === undefined ? '—' : formatBytes(received)}
          </span>
          <span className="muted"> in · </span>
          <span data-testid="network-sent" data-value={sent ?? ''}>
            {sent === undefined ? '—' : formatBytes(sent)}
          </span>
          <span className="muted"> out since it started</span>
        </span>
      </header>
      <TimeChart
        label={`Network traffic over time: now ${perSecond(buffer.rxRate.at(-1))} received`}
        size="small"
        palette={palette}
        series={series}
        data={data}
        version={version}
        xRange={xRange}
        yRange={yRange}
        yFormat={(value) => perSecond(value)}
        marks={marks}
        onHover={onHover}
        syncKey={syncKey}
      />
      <ChartLegend
        items={[
          {
            label: 'received',
            color: colors['--chart-rx'],
            line: 'area',
            value: perSecond(at(buffer.rxRate)),
            hint: 'Bytes into the container through its interface.',
          },
          {
            label: 'sent',
            color: colors['--chart-tx'],
            line: 'solid',
            value: perSecond(at(buffer.txRate)),
            hint: 'Bytes out of the container through its interface.',
          },
        ]}
      />
    </section>
  );
}
