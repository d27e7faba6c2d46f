'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { formatDateTime } from '~/format/format-time';
import { BackLink } from '~/ui/back-link';
import { Banner } from '~/ui/banner';
import { EmptyState } from '~/ui/empty-state';
import { CheckIcon } from '~/ui/icons';
import { PageHeader } from '~/ui/page-header';
import styles from './failed-starts-page.module.css';
import { TraceSummary } from './trace-summary';
import { Waterfall } from './waterfall';

/** The last failed starts (the agent keeps 20), newest first, each with its waterfall. */
export function FailedStartsPage() {
  const trpc = useTRPC();
  const failed = useQuery({
    ...trpc.containers.failedStarts.queryOptions(),
    refetchInterval: 15_000,
  });
  const [chosen, setChosen] = useState(0);
  const traces = failed.data ?? [];
  const shown = traces[Math.min(chosen, traces.length - 1)];

  return (
    <>
      <BackLink />
      <PageHeader
        title="Failed starts"
        subtitle="The last starts that did not reach the container's command, with the step that failed"
      />
      {failed.isError ? (
        <Banner tone="danger" title="Could not load the failed starts">
          {errorMessage(failed.error)}
        </Banner>
      ) : null}
      {failed.data && !traces.length ? (
        <EmptyState icon={<CheckIcon size={22} />} title="No failed start">
          Every start this agent recorded reached its container's command.
        </EmptyState>
      ) : null}
      {traces.length ? (
        <div className={styles.layout}>
          <ul className={styles.list} aria-label="Failed starts">
            {traces.map((trace, index) => {
              const step = trace.steps.find((candidate) => candidate.failed);
              return (
                <li key={`${trace.containerId}-${trace.startedAt}`}>
                  <button
                    type="button"
                    className={styles.item}
                    aria-pressed={trace === shown}
                    data-testid="failed-start"
                    onClick={() => setChosen(index)}
                  >
                    <span className={styles.itemHead}>
                      <strong>{trace.containerName}</strong>
                      <span className="mono">{trace.image}</span>
                    </span>
                    <span className={styles.itemStep}>at “{step?.title ?? 'an unknown step'}”</span>
                    <span className={styles.itemTime}>{formatDateTime(trace.startedAt)}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          {shown ? (
            <div className={styles.trace} data-testid="failed-start-trace">
              <TraceSummary trace={shown} />
              <Waterfall key={`${shown.containerId}-${shown.startedAt}`} trace={shown} />
            </div>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
