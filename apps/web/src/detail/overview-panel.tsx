'use client';

import type { ContainerRecord } from '@cove/shared';
import { quoteShellWord } from '~/create/quote-shell-word';
import { formatBytes } from '~/format/format-bytes';
import { formatDuration } from '~/format/format-duration';
import { formatDateTime } from '~/format/format-time';
import { StatsPanel } from '~/stats/stats-panel';
import { Banner } from '~/ui/banner';
import { CopyButton } from '~/ui/copy-button';
import { useNow } from '~/ui/use-now';
import { Fact } from './fact';
import { NetworkCard } from './network-card';
import { NetworksCard } from './networks-card';
import styles from './overview-panel.module.css';
import { SecurityCard } from './security-card';

/** What the container is and how it stands, beside its live graphs. */
export function OverviewPanel({ record }: { record: ContainerRecord }) {
  const { state, spec } = record;
  const now = useNow();
  const { limits } = spec;
  const restart =
    spec.restart.name === 'on-failure' && spec.restart.maxRetries
      ? `on-failure, at most ${spec.restart.maxRetries} times`
      : spec.restart.name;

  return (
    <div className={styles.layout}>
      <div className={styles.facts}>
        {state.oomKilled ? (
          <Banner tone="danger" title="Killed for lack of memory" testId="oom-banner">
            A process reached memory.max
            {limits.memory ? ` (${formatBytes(limits.memory, 0)})` : ''} and the kernel’s OOM killer
            ended it. Raise the limit or find the leak on the memory graph.
          </Banner>
        ) : null}
        <section className="card">
          <div className="card-header">
            <h2>State</h2>
          </div>
          <dl className={styles.list}>
            <Fact term="Status">
              <span data-testid="overview-status">{state.status}</span>
              {state.status === 'running' && state.startedAt
                ? ` for ${formatDuration(now - Date.parse(state.startedAt))}`
                : ''}
            </Fact>
            <Fact term="Exit code">
              <span data-testid="overview-exit-code">
                {state.exitCode === undefined
                  ? '—'
                  : state.exitCode === null
                    ? 'unknown (ended while no one watched)'
                    : state.exitCode}
              </span>
            </Fact>
            <Fact term="OOM killed">
              <span
                data-testid="overview-oom-killed"
                className={state.oomKilled ? styles.bad : undefined}
              >
                {state.oomKilled ? 'yes' : 'no'}
              </span>
            </Fact>
            {state.startedAt ? <Fact term="Started">{formatDateTime(state.startedAt)}</Fact> : null}
            {state.finishedAt ? (
              <Fact term="Finished">{formatDateTime(state.finishedAt)}</Fact>
            ) : null}
            {state.pid ? (
              <Fact term="Host PID">
                <span className="mono">{state.pid}</span>
              </Fact>
            ) : null}
            <Fact term="Created">{formatDateTime(record.createdAt)}</Fact>
          </dl>
        </section>

        <section className="card">
          <div className="card-header">
            <h2>Limits</h2>
          </div>
          <dl className={styles.list}>
            <Fact term="Memory">{limits.memory ? formatBytes(limits.memory, 0) : 'none'}</Fact>
            <Fact term="Memory + swap">
              {limits.memorySwap ? formatBytes(limits.memorySwap, 0) : 'none'}
            </Fact>
            <Fact term="Processes">{limits.pids ?? 'none'}</Fact>
            <Fact term="CPUs">{limits.cpus ?? 'none'}</Fact>
            <Fact term="CPU shares">{limits.cpuShares ?? 'default'}</Fact>
            <Fact term="Restart">{restart}</Fact>
          </dl>
        </section>

        <section className="card">
          <div className="card-header">
            <h2>Process</h2>
          </div>
          <dl className={styles.list}>
            <Fact term="Command">
              <code className={styles.wrap}>{record.args.map(quoteShellWord).join(' ')}</code>
            </Fact>
            <Fact term="User">{spec.user ?? 'root (image default)'}</Fact>
            <Fact term="Working dir">
              <span className="mono">{spec.workdir ?? '/'}</span>
            </Fact>
            <Fact term="Hostname">
              <span className="mono">{record.hostname}</span>
            </Fact>
            <Fact term="Terminal">{spec.tty ? 'yes (-t)' : 'no'}</Fact>
            <Fact term="Environment">
              {spec.env.length === 0 ? (
                'image default'
              ) : (
                <ul className={styles.values}>
                  {spec.env.map((entry) => (
                    <li key={entry} className="mono">
                      {entry}
                    </li>
                  ))}
                </ul>
              )}
            </Fact>
            <Fact term="Volumes">
              {spec.volumes.length === 0 ? (
                'none'
              ) : (
                <ul className={styles.values}>
                  {spec.volumes.map((volume) => (
                    <li key={volume.target} className="mono">
                      {volume.name ?? volume.source} → {volume.target}
                      {volume.readOnly ? ' (read-only)' : ''}
                    </li>
                  ))}
                </ul>
              )}
            </Fact>
          </dl>
        </section>

        <NetworkCard record={record} />

        <NetworksCard record={record} />

        <SecurityCard record={record} />

        <section className="card">
          <div className="card-header">
            <h2>cgroup</h2>
            {record.cgroupPaths[0] ? (
              <CopyButton text={record.cgroupPaths.join('\n')} label="Copy the cgroup path" />
            ) : null}
          </div>
          <div className="card-body">
            {record.cgroupPaths.length === 0 ? (
              <span className="muted">Created when the container starts.</span>
            ) : (
              <ul className={styles.values} data-testid="cgroup-paths">
                {record.cgroupPaths.map((path) => (
                  <li key={path} className={`mono ${styles.wrap}`}>
                    {path}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </section>
      </div>
      <StatsPanel record={record} />
    </div>
  );
}
