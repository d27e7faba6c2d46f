'use client';

import type { ContainerEvent, ContainerRecord } from '@cove/shared';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { useContainerEvents } from '~/containers/container-events';
import { type EventMark, marksFromEvents } from './event-marks';

/** An OOM event this close to the exit is the same kill. */
const sameKillMs = 5_000;

/**
 * A container's past events from the agent (they survive a reload), then live ones. When
 * the OOM killer ends PID 1, the container can be gone before the agent's next sample
 * sees the kill counter move, so no `oom` event exists; the record still says
 * OOMKilled, and the kill happened as it exited: the mark goes there.
 */
export function useContainerMarks(record: ContainerRecord): EventMark[] {
  const trpc = useTRPC();
  const history = useQuery(
    trpc.containers.eventHistory.queryOptions(
      { id: record.id },
      { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false },
    ),
  );
  const [live, setLive] = useState<ContainerEvent[]>([]);
  useContainerEvents((event) => {
    if (event.containerId === record.id) setLive((current) => [...current, event]);
  });
  const { oomKilled, finishedAt } = record.state;

  return useMemo(() => {
    const seen = new Set<string>();
    const events = [...(history.data ?? []), ...live].filter((event) => {
      const key = `${event.t}:${event.type}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const exitedAt = finishedAt ? Date.parse(finishedAt) : Number.NaN;
    const killSeen = events.some(
      (event) => event.type === 'oom' && Math.abs(event.t - exitedAt) < sameKillMs,
    );
    if (oomKilled && Number.isFinite(exitedAt) && !killSeen) {
      events.push({ t: exitedAt, type: 'oom', containerId: record.id, name: record.name });
    }
    return marksFromEvents(events);
  }, [history.data, live, oomKilled, finishedAt, record.id, record.name]);
}
