'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { type ReactNode, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { trpcErrorCode } from '~/api/trpc-error';
import { ContainerActions } from '~/containers/container-actions';
import { shortId } from '~/format/short-id';
import { LogsPanel } from '~/logs/logs-panel';
import { TerminalPanel } from '~/terminal/terminal-panel';
import { StartPanel } from '~/trace/start-panel';
import { BackLink } from '~/ui/back-link';
import { EmptyState } from '~/ui/empty-state';
import { ContainersIcon } from '~/ui/icons';
import { LoadFailedBanner } from '~/ui/load-failed-banner';
import { PageHeader } from '~/ui/page-header';
import { StateBadge } from '~/ui/state-badge';
import { Tabs } from '~/ui/tabs';
import styles from './container-page.module.css';
import { type ContainerTab, containerTabs, parseContainerTab } from './container-tab';
import { InspectPanel } from './inspect-panel';
import { OverviewPanel } from './overview-panel';

export function ContainerPage() {
  const params = useSearchParams();
  const id = params.get('id');
  if (!id) {
    return (
      <EmptyState
        icon={<ContainersIcon size={22} />}
        title="No container chosen"
        action={<BackLink />}
      >
        Open a container from the list.
      </EmptyState>
    );
  }
  // A new id is a new page: charts, terminals and logs start fresh.
  return <ContainerDetail key={id} id={id} tab={parseContainerTab(params.get('tab'))} />;
}

function ContainerDetail({ id, tab }: { id: string; tab: ContainerTab }) {
  const trpc = useTRPC();
  const router = useRouter();
  const inspect = useQuery(trpc.containers.inspect.queryOptions({ id }));
  // Panels stay mounted once opened: a terminal keeps its screen while you read the logs.
  const [visited, setVisited] = useState<ReadonlySet<ContainerTab>>(() => new Set([tab]));

  const select = (next: ContainerTab) => {
    setVisited((current) => new Set(current).add(next));
    router.replace(`/container?id=${encodeURIComponent(id)}&tab=${next}`, { scroll: false });
  };

  if (inspect.isPending) return <div className={styles.loading} aria-busy="true" />;
  if (!inspect.data) {
    const missing = trpcErrorCode(inspect.error) === 'NOT_FOUND';
    return (
      <>
        <BackLink />
        {missing ? (
          <EmptyState
            icon={<ContainersIcon size={22} />}
            title="No such container"
            action={<BackLink />}
          >
            There is no container <code>{id}</code> on this host: it may have been removed.
          </EmptyState>
        ) : (
          <LoadFailedBanner
            title="Could not load the container"
            error={inspect.error}
            onRetry={() => inspect.refetch()}
          />
        )}
      </>
    );
  }

  const record = inspect.data;
  const panel = (which: ContainerTab, content: ReactNode) =>
    visited.has(which) || which === tab ? (
      <div
        role="tabpanel"
        id={`container-panel-${which}`}
        aria-labelledby={`container-tab-${which}`}
        hidden={which !== tab}
        className={styles.panel}
        data-tab={which}
      >
        {content}
      </div>
    ) : null;

  return (
    <div className={styles.page}>
      <BackLink />
      <PageHeader
        title={
          <>
            <span className={styles.name}>{record.name}</span>
            <StateBadge
              status={record.state.status}
              exitCode={record.state.exitCode}
              oomKilled={record.state.oomKilled}
              testId="container-state"
            />
          </>
        }
        subtitle={
          <span className={styles.subtitle}>
            <span className="mono">{record.spec.image}</span>
            <span aria-hidden="true">·</span>
            <span className="mono" title={record.id}>
              {shortId(record.id)}
            </span>
          </span>
        }
        actions={
          <ContainerActions
            id={record.id}
            name={record.name}
            status={record.state.status}
            variant="header"
            onRemoved={() => router.push('/')}
          />
        }
      />
      <Tabs
        label="Container"
        items={containerTabs}
        selected={tab}
        onSelect={select}
        idPrefix="container"
      />
      {panel('overview', <OverviewPanel record={record} />)}
      {panel('terminal', <TerminalPanel record={record} visible={tab === 'terminal'} />)}
      {panel('logs', <LogsPanel record={record} visible={tab === 'logs'} />)}
      {panel('start', <StartPanel record={record} />)}
      {panel('inspect', <InspectPanel record={record} />)}
    </div>
  );
}
