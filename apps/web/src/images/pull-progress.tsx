import { formatBytes } from '~/format/format-bytes';
import styles from './pull-progress.module.css';
import type { PullState } from './use-image-pull';

const phaseLabels = {
  resolving: 'Resolving',
  downloading: 'Downloading',
  extracting: 'Extracting',
  done: 'Done',
} as const;

/** A pull in progress: the phase, one bar for all layers, bytes so far. */
export function PullProgressView({ state }: { state: Extract<PullState, { status: 'pulling' }> }) {
  const { bytes, totalBytes } = state;
  const percent = totalBytes ? Math.min(100, (bytes / totalBytes) * 100) : null;
  return (
    <div className={styles.progress} data-testid="pull-progress">
      <div className={styles.line}>
        <span>
          {phaseLabels[state.phase]} <span className="mono">{state.reference}</span>
        </span>
        <span className="numeric muted">
          {formatBytes(bytes)}
          {totalBytes ? ` of ${formatBytes(totalBytes)}` : ''}
          {state.layers > 0 ? ` · ${state.layers} ${state.layers === 1 ? 'layer' : 'layers'}` : ''}
        </span>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={`Pulling ${state.reference}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === null ? undefined : Math.round(percent)}
      >
        <span
          className={percent === null ? styles.indeterminate : undefined}
          style={{ width: percent === null ? '30%' : `${percent}%` }}
        />
      </div>
    </div>
  );
}
