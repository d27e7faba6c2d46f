'use client';

import type { ContainerRecord } from '@cove/shared';
import { useState } from 'react';
import { useCssColors } from '~/theme/use-css-colors';
import { useNow } from '~/ui/use-now';
import { chartColorNames } from './chart-colors';
import { CpuChart } from './cpu-chart';
import { MemoryChart } from './memory-chart';
import { NetworkChart } from './network-chart';
import { PidsChart } from './pids-chart';
import styles from './stats-panel.module.css';
import { useContainerMarks } from './use-container-marks';
import { useStatsSeries } from './use-stats-series';

const windows = [
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
];

/** The live graphs of one container, on one moving time window and one shared cursor. */
export function StatsPanel({ record }: { record: ContainerRecord }) {
  const active = record.state.status === 'running' || record.state.status === 'paused';
  const series = useStatsSeries(record.id, active);
  const marks = useContainerMarks(record);
  const colors = useCssColors(chartColorNames);
  const now = useNow();
  const [windowSeconds, setWindowSeconds] = useState(300);
  const [hover, setHover] = useState<number | null>(null);

  const end = Math.floor((now + series.skewMs) / 1000);
  const xRange: [number, number] = [end - windowSeconds, end];
  const syncKey = `stats-${record.id}`;
  // Only the bridge gives a container an interface of its own to count.
  const hasInterface = (record.network?.mode ?? record.spec.network ?? 'bridge') === 'bridge';
  const empty = !series.loading && series.buffer.x.length === 0;
  const common = {
    buffer: series.buffer,
    version: series.version,
    xRange,
    marks,
    hover,
    onHover: setHover,
    syncKey,
  };

  return (
    <section className={styles.panel} aria-label="Live graphs">
      <div className={styles.toolbar}>
        <h2>Live graphs</h2>
        <span className={styles.status}>
          {active ? (
            <>
              <span className={styles.liveDot} aria-hidden="true" /> live, one sample a second
            </>
          ) : (
            `${record.state.status}: the graphs show its last minutes of history`
          )}
        </span>
        <fieldset className={styles.windows}>
          <legend className="sr-only">Time window</legend>
          {windows.map((choice) => (
            <label key={choice.seconds}>
              <input
                type="radio"
                name="stats-window"
                checked={windowSeconds === choice.seconds}
                onChange={() => setWindowSeconds(choice.seconds)}
              />
              <span>{choice.label}</span>
            </label>
          ))}
        </fieldset>
      </div>
      {empty ? (
        <p className={styles.emptyNote}>
          {active
            ? 'The first sample arrives within a second.'
            : 'No samples: the container has not run since the agent started.'}
        </p>
      ) : null}
      {colors ? (
        <div className={styles.charts} data-testid="stats-graphs">
          <MemoryChart {...common} colors={colors} />
          <PidsChart {...common} colors={colors} />
          <CpuChart {...common} colors={colors} cpuLimit={record.spec.limits.cpus} />
          {hasInterface ? <NetworkChart {...common} colors={colors} /> : null}
        </div>
      ) : (
        <div className={styles.chartsPlaceholder} />
      )}
    </section>
  );
}
