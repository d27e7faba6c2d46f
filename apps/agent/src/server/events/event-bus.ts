import { EventEmitter, on } from 'node:events';
import type { ContainerEvent } from '@cove/shared';

const perContainerHistory = 200;

/**
 * Container events, live and remembered: subscribers get each one as it happens; a
 * page opened later asks for a container's recent ones (OOM and restart marks on its
 * graphs survive a reload).
 */
export function createEventBus() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const history = new Map<string, ContainerEvent[]>();
  return {
    publish(event: ContainerEvent) {
      const list = history.get(event.containerId) ?? [];
      list.push(event);
      if (list.length > perContainerHistory) list.shift();
      history.set(event.containerId, list);
      emitter.emit('event', event);
    },
    historyOf(containerId: string): ContainerEvent[] {
      return [...(history.get(containerId) ?? [])];
    },
    async *subscribe(signal: AbortSignal | undefined): AsyncGenerator<ContainerEvent> {
      for await (const [event] of on(emitter, 'event', { signal })) yield event as ContainerEvent;
    },
  };
}
export type EventBus = ReturnType<typeof createEventBus>;
