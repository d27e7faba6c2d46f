import type { ContainerSpecInput } from '@cove/shared';
import type { StartTracer } from '../trace/start-tracer.js';
import { deleteContainerFiles } from './container-store.js';
import { createContainer } from './create-container.js';
import type { EngineContext } from './engine-context.js';
import { type ContainerIo, type RunningContainer, startContainer } from './start-container.js';

export type { ContainerIo, RunningContainer } from './start-container.js';

/**
 * `cove run`: create, then start. A container that cannot start is removed again, as
 * a run that fails should leave nothing behind.
 */
export async function runContainer(
  context: EngineContext,
  input: ContainerSpecInput,
  io: ContainerIo,
  tracer?: StartTracer,
): Promise<RunningContainer> {
  const record = await createContainer(context, input);
  // Its name is taken from here on: a `rm -f` by name waits for the start, then removes.
  return context.operations.run(record.id, async () => {
    try {
      return await startContainer(context, record, io, tracer);
    } catch (error) {
      deleteContainerFiles(context.layout, record);
      throw error;
    }
  });
}
