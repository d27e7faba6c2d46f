import { existsSync } from 'node:fs';
import type { ContainerRecord } from '@cove/shared';
import {
  closeOutputPipes,
  drainOutputPipes,
  openOutputPipes,
  startContainerLogger,
} from '../logs/container-logger.js';
import { stdioFifoPaths } from '../logs/stdio-fifos.js';
import { containerPaths } from '../store/store-layout.js';
import { readRecord, writeRecord } from './container-store.js';
import type { EngineContext } from './engine-context.js';
import { endKeeper, takeTerminalFromKeeper } from './stdio-keeper.js';

/** A running container's terminal taken over from an earlier agent, via its keeper. */
export interface AdoptedTerminal {
  /** The PTY master: the caller owns it and closes it. */
  master: number;
  /** Resolves once the container has ended (and its end was recorded). */
  ended: Promise<void>;
}

/**
 * What a supervising engine (the agent) keeps of the containers an earlier agent
 * started: they are not its children, so no exit handler of its own sees them end.
 */
export interface Adoptions {
  /** Ends of adopted terminal containers, resolved by finishAdopted. */
  ends: Map<string, () => void>;
  /** Containers whose end is being recorded (by the engine), so it is done once. */
  finishing: Set<string>;
}

export function createAdoptions(): Adoptions {
  return { ends: new Map(), finishing: new Set() };
}

/**
 * Takes up a running container that another process started (an agent before a
 * restart): its output, which waited in its pipes meanwhile, is logged from now on; its
 * terminal's master is taken back from its keeper (see stdio-keeper.ts) and returned.
 */
export function adoptRunning(
  context: EngineContext,
  adoptions: Adoptions,
  record: ContainerRecord,
): AdoptedTerminal | undefined {
  if (record.spec.tty) {
    const { keeper } = record.state;
    if (!keeper || adoptions.ends.has(record.id)) return undefined;
    const master = takeTerminalFromKeeper(context.libc, keeper);
    if (master === undefined) return undefined;
    const ended = new Promise<void>((resolve) => adoptions.ends.set(record.id, resolve));
    return { master, ended };
  }
  if (context.loggers?.has(record.id)) return undefined;
  const paths = containerPaths(context.layout, record.id);
  const fifos = stdioFifoPaths(paths.dir);
  if (!existsSync(fifos.stdout) || !existsSync(fifos.stderr)) return undefined;
  // Opened while the container still writes, the pipes report their end when it goes.
  const logger = startContainerLogger(openOutputPipes(fifos), paths.log);
  context.loggers?.set(record.id, logger);
  void logger.done.then(() => context.loggers?.delete(record.id));
  return undefined;
}

/**
 * Records the end of a container that no exit handler of this engine saw: what it left in
 * its pipes goes to the log (its keeper held them, so nothing was dropped), then the
 * keeper ends and the record forgets it.
 */
export async function finishAdopted(
  context: EngineContext,
  adoptions: Adoptions,
  ended: ContainerRecord,
): Promise<void> {
  const logger = context.loggers?.get(ended.id);
  if (logger) await logger.done;
  else if (!ended.spec.tty) drainLeftOutput(context, ended);
  endKeeper(context.libc, ended.state.keeper);
  const latest = readRecord(context.layout, ended.id);
  if (latest?.state.status === 'exited' && latest.state.keeper) {
    const { keeper: _keeper, ...state } = latest.state;
    writeRecord(context.layout, { ...latest, state });
  }
  adoptions.ends.get(ended.id)?.();
  adoptions.ends.delete(ended.id);
}

function drainLeftOutput(context: EngineContext, ended: ContainerRecord): void {
  const paths = containerPaths(context.layout, ended.id);
  const fifos = stdioFifoPaths(paths.dir);
  if (!existsSync(fifos.stdout) || !existsSync(fifos.stderr)) return;
  const pipes = openOutputPipes(fifos);
  try {
    drainOutputPipes(pipes, paths.log);
  } finally {
    closeOutputPipes(pipes);
  }
}
