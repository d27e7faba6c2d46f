'use client';

import type { StatsSample } from '@cove/shared';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useRef, useState } from 'react';
import { useTRPC } from '~/api/trpc';

/** How many seconds of memory a row's sparkline shows. */
export const sparklineSeconds = 60;

export interface LiveStats {
  latest: StatsSample;
  /** memory.current, oldest first, one per second. */
  memory: number[];
}

/**
 * Every running container's latest sample, once a second, from one subscription. Kept in
 * a ref and published by a counter, so the table re-renders once per tick, not per row.
 */
export function useLiveStats(): ReadonlyMap<string, LiveStats> {
  const trpc = useTRPC();
  const stats = useRef(new Map<string, LiveStats>());
  const [, setTick] = useState(0);

  useSubscription(
    trpc.stats.watchAll.subscriptionOptions(undefined, {
      onData: (batch) => {
        const seen = new Set<string>();
        for (const { id, sample } of batch) {
          seen.add(id);
          const previous = stats.current.get(id);
          const memory = previous ? previous.memory : [];
          memory.push(sample.memory.current);
          if (memory.length > sparklineSeconds) memory.splice(0, memory.length - sparklineSeconds);
          stats.current.set(id, { latest: sample, memory });
        }
        for (const id of stats.current.keys()) if (!seen.has(id)) stats.current.delete(id);
        setTick((tick) => tick + 1);
      },
    }),
  );
  return stats.current;
}
