/**
 * One operation at a time per container: start, stop, restart, remove, pause and the
 * restart policy's timer each wait for the one before. Without this, `rm -f` racing a
 * start could remove the files of a container whose init is being spawned, or a restart
 * timer could start a second init beside the one a user's `start` made.
 */
export interface ContainerOperations {
  run<T>(id: string, operation: () => Promise<T>): Promise<T>;
}

export function createContainerOperations(): ContainerOperations {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(id, operation) {
      const before = tails.get(id) ?? Promise.resolve();
      const result = before.then(operation, operation);
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
