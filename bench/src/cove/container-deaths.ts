import type { AppRouter } from '@cove/agent/router';
import type { TRPCClient } from '@trpc/client';

/**
 * The moment each container's `died` event reaches this client, from the agent's event
 * subscription. An event may arrive before the create call that caused it returns, so
 * deaths are kept until asked for.
 */
export async function watchDeaths(client: TRPCClient<AppRouter>) {
  const seen = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  let subscription: { unsubscribe(): void } | undefined;
  await new Promise<void>((resolve, reject) => {
    subscription = client.containers.events.subscribe(undefined, {
      onStarted: () => resolve(),
      onError: reject,
      onData(event) {
        if (event.type !== 'died') return;
        const at = performance.now();
        const wake = waiting.get(event.containerId);
        if (wake) {
          waiting.delete(event.containerId);
          wake(at);
        } else {
          seen.set(event.containerId, at);
        }
      },
    });
  });
  return {
    died(id: string): Promise<number> {
      const at = seen.get(id);
      if (at !== undefined) {
        seen.delete(id);
        return Promise.resolve(at);
      }
      return new Promise((resolve) => waiting.set(id, resolve));
    },
    close() {
      subscription?.unsubscribe();
    },
  };
}
