'use client';

import type { StartTrace } from '@cove/shared';
import { useMemo, useState } from 'react';
import { ChevronDownIcon, ChevronUpIcon } from '~/ui/icons';
import { StepDetail } from './step-detail';
import { formatMs, groupSteps } from './step-groups';
import styles from './waterfall.module.css';

/**
 * A start as a waterfall: time across, a row per step under its group (collapsible), each
 * step a pale bar for its whole time, its calls as solid bars inside it (so what is left
 * pale is the process's own work between calls). Selecting a
 * step shows why it is there and how to do it by hand; a failed step is red and selected
 * from the start.
 */
/** A call's bar inside its step's: where it began and how long it took, as shares. */
function callPlace(stepAt: number, stepMs: number, at: number, ms: number) {
  if (stepMs <= 0) return { left: '0%', width: '1px' };
  return {
    left: `${((at - stepAt) / stepMs) * 100}%`,
    width: `max(1px, ${(ms / stepMs) * 100}%)`,
  };
}

export function Waterfall({ trace }: { trace: StartTrace }) {
  const groups = useMemo(() => groupSteps(trace.steps), [trace]);
  const firstFailed = trace.steps.findIndex((step) => step.failed);
  const [selected, setSelected] = useState(Math.max(firstFailed, 0));
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const total = Math.max(trace.ms, ...trace.steps.map((step) => step.at + step.ms), 0.001);
  const place = (at: number, ms: number) => ({
    left: `${(at / total) * 100}%`,
    width: `max(2px, ${(ms / total) * 100}%)`,
  });
  const toggle = (name: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  const step = trace.steps[selected];

  return (
    <div className={styles.layout}>
      <div className={styles.chart} data-testid="trace-waterfall">
        <div className={styles.axis} aria-hidden="true">
          <span />
          <span className={styles.ticks}>
            {[0, 0.5, 1].map((share) => (
              <span key={share} style={{ left: `${share * 100}%` }}>
                {formatMs(total * share)}
              </span>
            ))}
          </span>
        </div>
        <ul className={styles.groups}>
          {groups.map((group) => {
            const open = !collapsed.has(group.name);
            return (
              <li key={group.name} data-testid={`trace-group-${group.name}`}>
                <button
                  type="button"
                  className={styles.row}
                  data-kind="group"
                  data-failed={group.failed || undefined}
                  aria-expanded={open}
                  onClick={() => toggle(group.name)}
                >
                  <span className={styles.label}>
                    {open ? <ChevronUpIcon size={12} /> : <ChevronDownIcon size={12} />}
                    {group.name}
                    <span className={styles.count}>{group.steps.length}</span>
                  </span>
                  <span className={styles.track}>
                    <span className={styles.bar} style={place(group.at, group.end - group.at)} />
                  </span>
                </button>
                {open ? (
                  <ul className={styles.steps}>
                    {group.steps.map((index) => {
                      const shown = trace.steps[index];
                      if (!shown) return null;
                      return (
                        <li key={`${shown.id}-${index}`}>
                          <button
                            type="button"
                            className={styles.row}
                            data-kind="step"
                            data-process={shown.process}
                            data-failed={shown.failed ? true : undefined}
                            aria-pressed={index === selected}
                            data-testid={`trace-step-${shown.id}`}
                            onClick={() => setSelected(index)}
                          >
                            <span className={styles.label} title={shown.title}>
                              <span className={styles.process}>{shown.process}</span>
                              {shown.title}
                            </span>
                            <span className={styles.track}>
                              <span className={styles.bar} style={place(shown.at, shown.ms)}>
                                {shown.calls.map((call, callIndex) => (
                                  <span
                                    // biome-ignore lint/suspicious/noArrayIndexKey: calls have no id; their order is fixed
                                    key={callIndex}
                                    className={styles.call}
                                    data-failed={call.error ? true : undefined}
                                    style={callPlace(shown.at, shown.ms, call.at, call.ms)}
                                  />
                                ))}
                              </span>
                            </span>
                            <span className={styles.took}>{formatMs(shown.ms)}</span>
                          </button>
                        </li>
                      );
                    })}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ul>
      </div>
      {step ? <StepDetail step={step} /> : null}
    </div>
  );
}
