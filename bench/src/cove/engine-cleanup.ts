import type { Engine } from '@cove/core';

/**
 * Force-removes every container in an engine's store and returns the names of any that
 * remain. Used on the bench's own stores only, after the figures (or an agent) are done.
 */
export async function removeAllContainers(engine: Engine): Promise<string[]> {
  for (const record of engine.list()) {
    await engine.remove(record.id, { force: true }).catch(() => {});
  }
  return engine.list().map((record) => record.name);
}
