import type { ContainerStatus } from '@cove/shared';
import styles from './state-badge.module.css';

const labels: Record<ContainerStatus, string> = {
  created: 'Created',
  running: 'Running',
  paused: 'Paused',
  exited: 'Exited',
  removing: 'Removing',
};

/** A container's state as a coloured pill; `data-state` carries the raw value for tests. */
export function StateBadge({
  status,
  exitCode,
  oomKilled,
  testId,
}: {
  status: ContainerStatus;
  exitCode?: number | null | undefined;
  oomKilled?: boolean | undefined;
  testId?: string;
}) {
  const detail =
    status === 'exited' ? (oomKilled ? ' (OOM)' : exitCode != null ? ` (${exitCode})` : '') : '';
  const tone =
    status === 'exited' && (oomKilled || (exitCode != null && exitCode !== 0)) ? 'failed' : status;
  return (
    <span className={styles.badge} data-tone={tone} data-state={status} data-testid={testId}>
      <span className={styles.dot} aria-hidden="true" />
      {labels[status]}
      {detail}
    </span>
  );
}
