/**
 * One operation at a time per container: start, stop, restart, remove, pause and the
 * restart policy's timer each wait for the one before, in this process by a queue per
 * container, and across processes sharing the store by `lock` (flock(2), see
 * container-lock.ts). Without this, `rm -f` racing a start could remove the files of a
 * container whose init is being spawned, or a restart timer could start a second init
 * beside the one a user's `start` made.
 */
export interface ContainerOperations {
  run<T>(id: string, operation: () => Promise<T>): Promise<T>;
}

export function createContainerOperations(
  lock: (id: string) => Promise<() => void> = async () => () => {},
): ContainerOperations {
  const tails = new Map<string, Promise<unknown>>();
  const locked = async <T>(id: string, operation: () => Promise<T>) => {
    const unlock = await lock(id);
    try {
      return await operation();
    } finally {
      unlock();
    }
  };
  return {
    run(id, operation) {
      const before = tails.get(id) ?? Promise.resolve();
      const next = () => locked(id, operation);
      const result = before.then(next, next);
      const tail = result.catch(() => {});
      tails.set(id, tail);
      // The map keeps only containers with an operation in flight.
      void tail.then(() => {
        if (tails.get(id) === tail) tails.delete(id);
      });
      return result;
    },
  };
}
