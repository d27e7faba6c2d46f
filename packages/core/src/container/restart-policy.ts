import type { ContainerRecord } from '@cove/shared';

/**
 * Whether a container that just exited should start again, and after how long.
 * `on-failure` counts an unknown exit code (the container died while no agent
 * watched it) as a failure. The delay doubles from 100 ms with each restart, up to
 * 10 s, and starts over once a run lasted 10 s: a crash loop backs off, a service
 * that fails once a day restarts at once.
 */
export function restartDelay(record: ContainerRecord, exitCode: number | null): number | null {
  const policy = record.spec.restart;
  const count = record.state.restartCount ?? 0;
  if (policy.name === 'no') return null;
  if (policy.name === 'on-failure') {
    if (exitCode === 0) return null;
    if (policy.maxRetries !== undefined && count >= policy.maxRetries) return null;
  }
  const ranFor =
    record.state.startedAt && record.state.finishedAt
      ? Date.parse(record.state.finishedAt) - Date.parse(record.state.startedAt)
      : 0;
  if (ranFor >= 10_000) return 100;
  return Math.min(100 * 2 ** count, 10_000);
}
