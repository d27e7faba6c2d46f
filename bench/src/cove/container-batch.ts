import type { AppRouter } from '@cove/agent/router';
import type { ContainerRecord } from '@cove/shared';
import type { TRPCClient } from '@trpc/client';

/** Runs `task` over `items` with at most `concurrency` in flight; results keep their order. */
export async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * Up to `count` busybox `sleep` containers through the agent's API, started. No new
 * create is sent after `deadline` (a performance.now() time): a slow engine gives a
 * shorter list rather than a bench that never ends.
 */
export async function createSleepers(
  client: TRPCClient<AppRouter>,
  count: number,
  concurrency: number,
  prefix: string,
  deadline = Number.POSITIVE_INFINITY,
): Promise<ContainerRecord[]> {
  const records = await inParallel(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) =>
      performance.now() > deadline
        ? undefined
        : client.containers.create.mutate({
            spec: { image: 'busybox', name: `${prefix}-${i}`, command: ['sleep', '1000000'] },
            start: true,
          }),
  );
  return records.filter((record): record is ContainerRecord => record !== undefined);
}

export interface Removal {
  removed: number;
  /** One line per container the agent failed to remove, with its error. */
  failures: string[];
}

/**
 * Removes every container the agent knows (its store is the bench's own). A failed
 * removal is tried once more after the others, then reported, not thrown: what the
 * agent leaves is removed by the bench's own engine afterwards. No removal is sent
 * after `deadline` (a performance.now() time); those count as failures too.
 */
export async function removeEverything(
  client: TRPCClient<AppRouter>,
  concurrency: number,
  deadline = Number.POSITIVE_INFINITY,
): Promise<Removal> {
  const ids = (await client.containers.list.query()).map((summary) => summary.record.id);
  const tryRemove = (id: string) =>
    performance.now() > deadline
      ? Promise.resolve({ id, message: 'not removed: the time for removals ran out' })
      : client.containers.remove.mutate({ id, force: true }).then(
          () => undefined,
          (error: Error) => ({ id, message: error.message }),
        );
  const failed = (await inParallel(ids, concurrency, tryRemove)).filter((f) => f !== undefined);
  const failures: string[] = [];
  for (const { id } of failed) {
    const again = await tryRemove(id);
    if (again) failures.push(`${id.slice(0, 12)}: ${again.message}`);
  }
  return { removed: ids.length - failures.length, failures };
}
