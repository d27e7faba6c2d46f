import type { AgentConnection } from './agent-connection.js';

interface Handlers<T> {
  onData(value: T): void;
  onError(error: unknown): void;
  onComplete(): void;
}

/**
 * A subscription as a promise: it resolves when the agent completes the stream and
 * rejects on its error, or when the connection to the agent is lost (a subscription
 * alone would wait for a reconnect forever).
 */
export function follow<T>(
  agent: AgentConnection,
  subscribe: (handlers: Handlers<T>) => { unsubscribe(): void },
  onData: (value: T) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let subscription: { unsubscribe(): void } | undefined;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      stopWatching();
      // Deferred: settling may happen inside subscribe(), before it has returned.
      queueMicrotask(() => subscription?.unsubscribe());
      error === undefined ? resolve() : reject(error);
    };
    const stopWatching = agent.onConnectionLost((error) => settle(error));
    subscription = subscribe({
      onData: (value) => {
        try {
          onData(value);
        } catch (error) {
          settle(error);
        }
      },
      onError: (error) => settle(error),
      onComplete: () => settle(),
    });
  });
}
