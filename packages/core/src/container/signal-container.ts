import { constants } from 'node:os';
import type { ContainerRecord } from '@cove/shared';
import { CoveError } from '../errors.js';
import type { EngineContext } from './engine-context.js';
import { signalVerifiedProcess } from './process-identity.js';
import { refreshState } from './refresh-state.js';

/** Takes Docker's forms: `KILL`, `SIGKILL`, `9`. */
export function parseSignal(text: string): number {
  const upper = text.toUpperCase();
  const named = (constants.signals as Record<string, number>)[
    upper.startsWith('SIG') ? upper : `SIG${upper}`
  ];
  const number = /^\d+$/.test(text) ? Number(text) : named;
  if (!number || number < 1 || number > 64) {
    throw new CoveError(`invalid signal "${text}": use a name such as TERM or KILL, or a number`);
  }
  return number;
}

/**
 * `cove kill`: a signal to the container's PID 1. PID 1 of a PID namespace only gets
 * the signals it has a handler for (pid_namespaces(7)), SIGKILL aside.
 */
export function signalContainer(
  { libc, layout }: EngineContext,
  found: ContainerRecord,
  signal: number,
): ContainerRecord {
  const record = refreshState(layout, found);
  const { pid, pidStartTime } = record.state;
  if ((record.state.status !== 'running' && record.state.status !== 'paused') || !pid) {
    throw new CoveError(`container ${record.name} is not running (it is ${record.state.status})`);
  }
  // Through a pidfd checked against the start time: never a stranger that got the PID.
  if (!signalVerifiedProcess(libc, pid, pidStartTime, signal)) return refreshState(layout, record);
  return record;
}
