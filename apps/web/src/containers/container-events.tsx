'use client';

import type { ContainerEvent } from '@cove/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef } from 'react';
import { useTRPC } from '~/api/trpc';
import { useToast } from '~/ui/toasts';

type Listener = (event: ContainerEvent) => void;

const ContainerEventsContext = createContext<((listener: Listener) => () => void) | null>(null);

/**
 * One live feed of every container's events for the whole dashboard: it refreshes the
 * lists and records the agent keeps (containers, terminals, the networks' members),
 * feeds the graphs' OOM and restart marks, and tells the user about an OOM kill
 * wherever they are.
 */
export function ContainerEventsProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const listeners = useRef(new Set<Listener>());

  useSubscription(
    trpc.containers.events.subscriptionOptions(undefined, {
      onData: (event) => {
        queryClient.invalidateQueries(trpc.containers.list.queryFilter());
        queryClient.invalidateQueries(trpc.containers.inspect.queryFilter());
        queryClient.invalidateQueries(trpc.terminals.list.queryFilter());
        // Who is on which network, and at which address, changes with every start, end,
        // connect and disconnect.
        queryClient.invalidateQueries(trpc.networks.list.queryFilter());
        // A container made with a named volume may have made it; a removed one frees it.
        if (event.type === 'created' || event.type === 'removed') {
          queryClient.invalidateQueries(trpc.volumes.list.queryFilter());
        }
        if (event.type === 'started') {
          queryClient.invalidateQueries(trpc.containers.trace.queryFilter());
          queryClient.invalidateQueries(trpc.containers.failedStarts.queryFilter());
        }
        if (event.type === 'oom') {
          notify({
            tone: 'danger',
            title: `${event.name}: out of memory`,
            detail: 'The kernel killed a process that reached the memory limit.',
          });
        }
        for (const listener of listeners.current) listener(event);
      },
    }),
  );

  const subscribe = useMemo(
    () => (listener: Listener) => {
      listeners.current.add(listener);
      return () => {
        listeners.current.delete(listener);
      };
    },
    [],
  );

  return (
    <ContainerEventsContext.Provider value={subscribe}>{children}</ContainerEventsContext.Provider>
  );
}

/** Calls `onEvent` for every live container event while the component is mounted. */
export function useContainerEvents(onEvent: Listener): void {
  const subscribe = useContext(ContainerEventsContext);
  if (!subscribe)
    throw new Error('useContainerEvents must be used inside <ContainerEventsProvider>');
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => subscribe((event) => latest.current(event)), [subscribe]);
}
