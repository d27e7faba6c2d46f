'use client';

import type { StatsSample } from '@cove/shared';
import { useQuery } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useMemo, useRef, useState } from 'react';
import { useTRPC } from '~/api/trpc';

/** How many seconds of memory a row's sparkline shows. */
export const sparklineSeconds = 60;

export interface LiveStats {
  latest: StatsSample;
  /** memory.current, oldest first, one per second. */
  memory: number[];
}

type Windows = ReadonlyMap<string, readonly StatsSample[]>;

/** `window` and then what of `samples` is newer than its end, the last minute of it. */
function appendNewer(
  window: readonly StatsSample[],
  samples: readonly StatsSample[],
): readonly StatsSample[] {
  const end = window.at(-1)?.t ?? Number.NEGATIVE_INFINITY;
  const joined = [...window, ...samples.filter((sample) => sample.t > end)];
  return joined.length > sparklineSeconds ? joined.slice(-sparklineSeconds) : joined;
}

/**
 * Every running container's last minute: the agent's recent history first (fetched in
 * the same batch as the list, so the rows appear with full sparklines), then the latest
 * sample of each, once a second, from one subscription. The table re-renders once per
 * tick, not per row. After the live channel reconnects the history is fetched again to
 * fill the gap.
 */
export function useLiveStats(): ReadonlyMap<string, LiveStats> {
  const trpc = useTRPC();
  const started = useRef(false);
  // Null until the first tick: until then the history says which containers run.
  const [live, setLive] = useState<Windows | null>(null);

  // Fetched again on each visit; meanwhile the last visit's history keeps the lines drawn.
  const recent = useQuery(
    trpc.stats.recent.queryOptions(
      { samples: sparklineSeconds },
      { staleTime: 0, refetchOnWindowFocus: false },
    ),
  );

  useSubscription(
    trpc.stats.watchAll.subscriptionOptions(undefined, {
      onStarted: () => {
        if (started.current) recent.refetch();
        started.current = true;
      },
      onData: (batch) =>
        setLive((previous) => {
          // Only the containers of this tick: one that stopped leaves the map.
          const next = new Map<string, readonly StatsSample[]>();
          for (const { id, sample } of batch) {
            next.set(id, appendNewer(previous?.get(id) ?? [], [sample]));
          }
          return next;
        }),
    }),
  );

  // Worked out while rendering, not in an effect: the history shows in the first paint.
  return useMemo(() => {
    const history: Windows = new Map(recent.data?.map(({ id, samples }) => [id, samples]));
    const stats = new Map<string, LiveStats>();
    for (const [id, samples] of live ?? history) {
      const window = live ? appendNewer(history.get(id) ?? [], samples) : samples;
      const latest = window.at(-1);
      if (latest) stats.set(id, { latest, memory: window.map((s) => s.memory.current) });
    }
    return stats;
  }, [live, recent.data]);
}
