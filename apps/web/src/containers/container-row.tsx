import { type ContainerSummary, formatPublishedPort } from '@cove/shared';
import Link from 'next/link';
import { formatBytes } from '~/format/format-bytes';
import { formatDuration } from '~/format/format-duration';
import { shortId } from '~/format/short-id';
import { StateBadge } from '~/ui/state-badge';
import { ContainerActions } from './container-actions';
import styles from './containers-page.module.css';
import { Sparkline } from './sparkline';
import { type LiveStats, sparklineSeconds } from './use-live-stats';

export function ContainerRow({
  summary,
  live,
  now,
  selected,
  onToggle,
}: {
  summary: ContainerSummary;
  live: LiveStats | undefined;
  now: number;
  selected: boolean;
  onToggle: () => void;
}) {
  const { record } = summary;
  const { state } = record;
  const active = state.status === 'running' || state.status === 'paused';
  const sample = active ? (live?.latest ?? summary.stats) : null;
  const memoryLimit = sample?.memory.limit ?? null;
  const memoryShare = sample && memoryLimit ? sample.memory.current / memoryLimit : 0;

  return (
    <tr data-testid="container-row" data-name={record.name} data-id={record.id}>
      <td>
        <input
          type="checkbox"
          aria-label={`Select ${record.name}`}
          checked={selected}
          onChange={onToggle}
          data-testid="row-select"
        />
      </td>
      <td>
        <Link href={`/container?id=${record.id}`} className={styles.name}>
          {record.name}
        </Link>
        <div className={styles.subtle}>{shortId(record.id)}</div>
      </td>
      <td title={record.spec.image}>
        <span className="mono">{record.spec.image}</span>
      </td>
      <td data-testid="row-ports">
        <PublishedPorts record={record} active={active} />
      </td>
      <td>
        <StateBadge
          status={state.status}
          exitCode={state.exitCode}
          oomKilled={state.oomKilled}
          testId="container-state"
        />
      </td>
      <td className="numeric">
        {active && state.startedAt ? (
          formatDuration(now - Date.parse(state.startedAt))
        ) : state.finishedAt ? (
          <span className="muted" title={`Exited ${state.finishedAt}`}>
            {formatDuration(now - Date.parse(state.finishedAt))} ago
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        {sample ? (
          <div className={styles.memory}>
            <span
              className={`${styles.memoryText} numeric`}
              data-testid="row-memory"
              data-value={sample.memory.current}
            >
              {formatBytes(sample.memory.current)}
              <span className="muted">
                {' '}
                / {memoryLimit ? formatBytes(memoryLimit, 0) : 'no limit'}
              </span>
            </span>
            <Sparkline
              values={live?.memory ?? [sample.memory.current]}
              capacity={sparklineSeconds}
              tone={memoryShare > 0.95 ? 'danger' : memoryShare > 0.8 ? 'warning' : 'normal'}
            />
          </div>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="numeric">
        {sample ? (
          <>
            {sample.pids.current}
            <span className="muted"> / {sample.pids.limit ?? '∞'}</span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="numeric">
        {sample ? `${sample.cpuPercent.toFixed(1)}%` : <span className="muted">—</span>}
      </td>
      <td>
        <ContainerActions id={record.id} name={record.name} status={state.status} variant="row" />
      </td>
    </tr>
  );
}

/** The ports a running container publishes, `8080→80/tcp` each; the host address on hover. */
function PublishedPorts({
  record,
  active,
}: {
  record: ContainerSummary['record'];
  active: boolean;
}) {
  const ports = active ? (record.network?.ports ?? []) : [];
  if (ports.length === 0) return <span className="muted">—</span>;
  return (
    <span className={styles.ports}>
      {ports.map((published) => (
        <span
          key={`${published.hostIp}:${published.hostPort}/${published.protocol}`}
          className="mono"
          title={formatPublishedPort(published)}
        >
          {published.hostPort}→{published.containerPort}/{published.protocol}
        </span>
      ))}
    </span>
  );
}
