import type { ContainerIo, Engine, RunningContainer } from '@cove/core';
import type { ContainerSpecInput } from '@cove/shared';

/** Creates and starts a container; one that cannot start is removed, not left half-made. */
export async function createAndStart(
  engine: Engine,
  spec: ContainerSpecInput,
  io?: ContainerIo,
): Promise<RunningContainer> {
  const record = await engine.create(spec);
  try {
    return await engine.start(record.id, io);
  } catch (error) {
    await engine.remove(record.id, { force: true }).catch(() => {});
    throw error;
  }
}
