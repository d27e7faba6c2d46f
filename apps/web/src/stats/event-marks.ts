import type { ContainerEvent } from '@cove/shared';
import { formatClock } from '~/format/format-time';

export type MarkKind = 'oom' | 'restart' | 'start' | 'exit';

export interface EventMark {
  /** Seconds, like the charts' x axis. */
  x: number;
  kind: MarkKind;
  label: string;
  description: string;
}

/**
 * The events worth a line on a time axis: OOM kills and restarts stand out (labelled),
 * starts and exits are thin lines that explain a gap in the curve.
 */
export function marksFromEvents(events: readonly ContainerEvent[]): EventMark[] {
  const marks: EventMark[] = [];
  for (const event of events) {
    const x = event.t / 1000;
    const at = formatClock(event.t);
    switch (event.type) {
      case 'oom':
        marks.push({
          x,
          kind: 'oom',
          label: 'OOM',
          description: `OOM kill at ${at}: a process reached memory.max`,
        });
        break;
      case 'restarting':
        marks.push({ x, kind: 'restart', label: 'restart', description: `Restarted at ${at}` });
        break;
      case 'started':
        marks.push({ x, kind: 'start', label: '', description: `Started at ${at}` });
        break;
      // No mark: the network graph counts the first interface (eth0), which joining or
      // leaving another network leaves as it was.
      case 'connected':
      case 'disconnected':
        break;
      case 'died':
        marks.push({
          x,
          kind: 'exit',
          label: '',
          description: `Exited at ${at}${event.exitCode != null ? ` with code ${event.exitCode}` : ''}`,
        });
        break;
    }
  }
  return marks;
}
