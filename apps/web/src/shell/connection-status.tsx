'use client';

import { type AgentConnection, useAgentConnection } from '~/api/use-agent-connection';
import styles from './connection-status.module.css';

const labels: Record<AgentConnection, string> = {
  idle: 'Agent connected',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
};

/** Whether live data is flowing: graphs and tables freeze silently otherwise. */
export function ConnectionStatus() {
  const connection = useAgentConnection();
  return (
    <div className={styles.status} data-connection={connection} role="status">
      <span className={styles.light} aria-hidden="true" />
      {labels[connection]}
    </div>
  );
}
