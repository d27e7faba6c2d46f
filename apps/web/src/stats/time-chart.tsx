'use client';

import { type ReactNode, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock, formatClockMinutes } from '~/format/format-time';
import type { EventMark } from './event-marks';
import styles from './time-chart.module.css';

export interface ChartPalette {
  axis: string;
  grid: string;
}

/** The y axis's bounds, worked out by the chart's owner, which knows what matters. */
export type YRange = () => [number, number];

/**
 * One live time-series chart on uPlot: canvas drawing that redraws 900 points per series
 * in well under a millisecond, which a chart fed every second needs (SVG charting
 * libraries rebuild DOM nodes per point and fall behind). The x range is given, so
 * charts that share a `syncKey` line up and move together; the cursor is synced too.
 * Event marks are HTML laid over the plot, so they can carry a label, a tooltip and a
 * test id.
 */
export function TimeChart({
  label,
  size,
  palette,
  series,
  bands,
  data,
  version,
  xRange,
  yRange,
  yFormat,
  marks,
  markTestId,
  onHover,
  syncKey,
  children,
}: {
  label: string;
  /** Large for memory, small for the others; both grow with the window's height. */
  size: 'large' | 'small';
  palette: ChartPalette;
  series: uPlot.Series[];
  bands?: uPlot.Band[];
  data: uPlot.AlignedData;
  version: number;
  xRange: [number, number];
  yRange: YRange;
  yFormat: (value: number) => string;
  marks: readonly EventMark[];
  markTestId?: string;
  onHover: (index: number | null) => void;
  syncKey: string;
  children?: ReactNode;
}) {
  const container = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<uPlot | null>(null);
  // uPlot keeps the options it was built with; these refs let them read today's values.
  const latest = useRef({ xRange, yRange, yFormat, onHover, data });
  latest.current = { xRange, yRange, yFormat, onHover, data };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is rebuilt only when its look changes (theme, series); data flows in through setData below.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const font = '11px system-ui, sans-serif';
    const axis = {
      stroke: palette.axis,
      font,
      grid: { stroke: palette.grid, width: 1 },
      ticks: { stroke: palette.grid, width: 1, size: 4 },
    };
    const options: uPlot.Options = {
      width: Math.max(100, element.clientWidth),
      height: Math.max(80, element.clientHeight),
      legend: { show: false },
      cursor: {
        sync: { key: syncKey },
        drag: { x: false, y: false, setScale: false },
        points: { size: 6 },
      },
      scales: {
        x: { time: true, range: () => latest.current.xRange },
        y: { range: () => latest.current.yRange() },
      },
      axes: [
        {
          ...axis,
          space: 80,
          size: 30,
          // 24-hour clock times; seconds only when the ticks are less than a minute apart.
          values: (_u, splits) => {
            const step = (splits[1] ?? 0) - (splits[0] ?? 0);
            const format = step >= 60 ? formatClockMinutes : formatClock;
            return splits.map((seconds) => format(seconds * 1000));
          },
        },
        {
          ...axis,
          size: 70,
          values: (_u, splits) => splits.map((value) => latest.current.yFormat(value)),
        },
      ],
      series: [{}, ...series],
      bands: bands ?? [],
      hooks: {
        setCursor: [(u) => latest.current.onHover(u.cursor.idx ?? null)],
      },
    };
    const plot = new uPlot(options, latest.current.data, element);
    setChart(plot);
    const resize = new ResizeObserver(() => {
      const { clientWidth: width, clientHeight: height } = element;
      // A hidden tab measures 0: keep the last size until it shows again.
      if (width > 0 && height > 0 && (width !== plot.width || height !== plot.height)) {
        plot.setSize({ width, height });
      }
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      setChart(null);
    };
  }, [palette, series, syncKey]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: redraw on each new sample (version) and each tick of the moving window (xRange).
  useEffect(() => {
    chart?.setData(latest.current.data);
  }, [chart, version, xRange[0], xRange[1]]);

  const [min, max] = xRange;
  return (
    <div className={styles.chart}>
      <div
        ref={container}
        className={styles.canvas}
        data-size={size}
        role="img"
        aria-label={label}
      />
      {chart
        ? createPortal(
            marks
              .filter((mark) => mark.x >= min && mark.x <= max)
              .map((mark) => (
                <div
                  key={`${mark.kind}-${mark.x}`}
                  className={styles.mark}
                  data-kind={mark.kind}
                  data-testid={mark.kind === 'oom' ? markTestId : undefined}
                  data-time={Math.round(mark.x * 1000)}
                  // Near the right edge the label goes left of its line, inside the plot.
                  data-side={mark.x > min + (max - min) * 0.85 ? 'left' : undefined}
                  style={{ left: `${((mark.x - min) / (max - min)) * 100}%` }}
                  title={mark.description}
                >
                  {mark.label ? <span className={styles.markLabel}>{mark.label}</span> : null}
                </div>
              )),
            chart.over,
          )
        : null}
      {children}
    </div>
  );
}
