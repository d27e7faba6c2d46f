import { test } from '@playwright/test';
import type { AgentApi, ContainerRecord } from './agent-api';

/**
 * The container scenario 2 creates from the form, which the terminal, graph and reload
 * scenarios then use: busybox's own command (`sh`) with a terminal of its own (`-t`), so
 * the dashboard's terminal is the container's PID 1 and nothing else runs beside it.
 */
export const box = {
  name: 'e2e-box',
  image: 'busybox',
  hostname: 'e2e-box',
  memory: '64m',
  memoryBytes: 64 * 1024 * 1024,
  pids: 32,
  /** The image's default command, which the form leaves empty. */
  args: ['sh'],
} as const;

/**
 * The running e2e-box. When it is not running (the OOM scenario ends it) it is started,
 * and when scenario 2 left none (it failed, or a scenario runs alone) it is made, both
 * through the API and said in the test's annotations: one failure then does not hide
 * what the other scenarios prove.
 */
export async function runningBox(api: AgentApi): Promise<ContainerRecord> {
  const found = await api.find(box.name);
  if (found?.state.status === 'running') return found;
  const description = `${box.name} was ${found?.state.status ?? 'missing'}: ${found ? 'started' : 'made'} through the API`;
  test.info().annotations.push({ type: 'setup', description });
  console.log(`setup: ${description}`);
  if (found?.state.status === 'paused') return api.unpause(found.id);
  if (found) return api.start(found.id);
  return api.createContainer({
    image: box.image,
    name: box.name,
    hostname: box.hostname,
    tty: true,
    limits: { memory: box.memory, pids: box.pids },
  });
}

/** Restarts e2e-box at once (SIGKILL, no grace period) if it runs. */
export async function restartBox(api: AgentApi): Promise<void> {
  const found = await api.find(box.name);
  if (found?.state.status === 'running' || found?.state.status === 'paused') {
    await api.restart(found.id);
  }
}
