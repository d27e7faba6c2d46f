import type { ContainerStatus } from '@cove/shared';

export type ContainerAction =
  | 'start'
  | 'stop'
  | 'restart'
  | 'pause'
  | 'unpause'
  | 'kill'
  | 'remove';

/** What each state allows, in the order the buttons appear. */
export function actionsFor(status: ContainerStatus): ContainerAction[] {
  switch (status) {
    case 'running':
      return ['stop', 'restart', 'pause', 'kill', 'remove'];
    case 'paused':
      return ['unpause', 'stop', 'kill', 'remove'];
    case 'created':
    case 'exited':
      return ['start', 'remove'];
    case 'removing':
      return [];
  }
}

export const actionLabels: Record<ContainerAction, { verb: string; pending: string }> = {
  start: { verb: 'Start', pending: 'Starting…' },
  stop: { verb: 'Stop', pending: 'Stopping…' },
  restart: { verb: 'Restart', pending: 'Restarting…' },
  pause: { verb: 'Pause', pending: 'Pausing…' },
  unpause: { verb: 'Resume', pending: 'Resuming…' },
  kill: { verb: 'Kill', pending: 'Killing…' },
  remove: { verb: 'Remove', pending: 'Removing…' },
};

/** Actions that lose work: they ask first. */
export function needsConfirmation(action: ContainerAction): boolean {
  return action === 'kill' || action === 'remove';
}
