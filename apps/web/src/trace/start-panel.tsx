'use client';

import type { ContainerRecord } from '@cove/shared';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { Banner } from '~/ui/banner';
import { EmptyState } from '~/ui/empty-state';
import { PlayIcon } from '~/ui/icons';
import { TraceSummary } from './trace-summary';
import { Waterfall } from './waterfall';

/** The container page's Start tab: how its last start went, step by step. */
export function StartPanel({ record }: { record: ContainerRecord }) {
  const trpc = useTRPC();
  const trace = useQuery(trpc.containers.trace.queryOptions({ id: record.id }));

  if (trace.isPending) return <div aria-busy="true" />;
  if (trace.isError) {
    return (
      <Banner tone="danger" title="Could not load the start's trace">
        {errorMessage(trace.error)}
      </Banner>
    );
  }
  if (!trace.data) {
    return (
      <EmptyState icon={<PlayIcon size={22} />} title="No trace of a start">
        {record.state.status === 'created'
          ? 'This container has not started yet: its first start will be recorded here.'
          : 'Its last start was not recorded: the agent runs with --no-trace, or the start was before this agent kept traces.'}{' '}
        <Link href="/starts">Failed starts</Link> lists the starts that did not work.
      </EmptyState>
    );
  }
  return (
    <div data-testid="start-trace">
      <TraceSummary trace={trace.data} />
      <Waterfall key={trace.data.startedAt} trace={trace.data} />
    </div>
  );
}
