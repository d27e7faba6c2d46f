import { existsSync } from 'node:fs';
import type { ContainerRecord } from '@cove/shared';
import type { EngineContext } from '../container/engine-context.js';
import { refreshState } from '../container/refresh-state.js';
import { containerPaths } from '../store/store-layout.js';
import { closeOutputPipes, openOutputPipes, startContainerLogger } from './container-logger.js';
import { stdioFifoPaths } from './stdio-fifos.js';

/**
 * Takes up the output of a running container that another process started (an agent
 * before a restart): what it wrote meanwhile waited in its pipes and is logged now.
 * A container on a terminal has no pipes; its terminal went with that process.
 */
export function resumeLogging(context: EngineContext, record: ContainerRecord): void {
  if (record.spec.tty || context.loggers?.has(record.id)) return;
  const paths = containerPaths(context.layout, record.id);
  const fifos = stdioFifoPaths(paths.dir);
  if (!existsSync(fifos.stdout) || !existsSync(fifos.stderr)) return;
  const pipes = openOutputPipes(fifos);
  // Opened after the container died, the pipes would never report their end.
  if (refreshState(context.layout, record).state.status === 'exited') {
    closeOutputPipes(pipes);
    return;
  }
  const logger = startContainerLogger(pipes, paths.log);
  context.loggers?.set(record.id, logger);
  void logger.done.then(() => context.loggers?.delete(record.id));
}
