import type { ContainerRecord } from '@cove/shared';
import type { StoreLayout } from '../store/store-layout.js';
import { writeRecord } from './container-store.js';
import { isSameProcessAlive } from './process-identity.js';

/**
 * A record says "running" until someone sees otherwise. When the process that started
 * the container has gone, nobody was left to wait for its PID 1, so the exit code is
 * unknown (null); the record says so instead of guessing.
 */
export function refreshState(layout: StoreLayout, record: ContainerRecord): ContainerRecord {
  const { state } = record;
  if ((state.status !== 'running' && state.status !== 'paused') || !state.pid) return record; // `removing` stays so
  if (isSameProcessAlive(state.pid, state.pidStartTime)) return record;
  const updated: ContainerRecord = {
    ...record,
    state: { ...state, status: 'exited', exitCode: null, finishedAt: new Date().toISOString() },
  };
  writeRecord(layout, updated);
  return updated;
}
