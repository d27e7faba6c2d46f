'use client';

import { useQuery } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { StatsBuffer } from './stats-buffer';

export interface StatsSeries {
  buffer: StatsBuffer;
  /** Changes whenever the buffer does: the charts redraw on it. */
  version: number;
  /** The agent's clock minus the browser's, so "now" on the x axis is the agent's now. */
  skewMs: number;
  loading: boolean;
}

/**
 * A container's samples: the agent's 15-minute history first, so a reload or a tab that
 * slept keeps the whole curve, then one live sample a second. After the live channel
 * reconnects the history is fetched again to fill the gap.
 */
export function useStatsSeries(id: string, live: boolean): StatsSeries {
  const trpc = useTRPC();
  const [buffer] = useState(() => new StatsBuffer());
  const [version, setVersion] = useState(0);
  const skew = useRef(0);
  const started = useRef(false);

  const history = useQuery(
    trpc.stats.history.queryOptions(
      { id },
      { staleTime: Number.POSITIVE_INFINITY, gcTime: 0, refetchOnWindowFocus: false },
    ),
  );

  useEffect(() => {
    if (!history.data) return;
    const newer = buffer.latest && buffer.x.length ? buffer.latest : null;
    buffer.reset(history.data);
    // A live sample that arrived while the history was on its way is not lost.
    if (newer) buffer.push(newer);
    setVersion((v) => v + 1);
  }, [history.data, buffer]);

  useSubscription(
    trpc.stats.watch.subscriptionOptions(
      { id },
      {
        enabled: live,
        onStarted: () => {
          if (started.current) history.refetch();
          started.current = true;
        },
        onData: (sample) => {
          skew.current = sample.t - Date.now();
          if (buffer.push(sample)) setVersion((v) => v + 1);
        },
      },
    ),
  );

  return { buffer, version, skewMs: skew.current, loading: history.isPending };
}
