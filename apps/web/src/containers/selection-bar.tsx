'use client';

import { useState } from 'react';
import { ConfirmDialog } from '~/ui/confirm-dialog';
import styles from './containers-page.module.css';
import { type BulkAction, type BulkTarget, bulkLabels, useBulkAction } from './use-bulk-action';

/**
 * The selected containers' actions: start, stop, remove. Stop and remove ask once, naming
 * every container they act on.
 */
export function SelectionBar({ targets, onClear }: { targets: BulkTarget[]; onClear: () => void }) {
  const bulk = useBulkAction();
  const [asking, setAsking] = useState<BulkAction | null>(null);
  if (targets.length === 0) return null;
  const names = targets.map((target) => target.name).join(', ');
  const run = (action: BulkAction) =>
    bulk.mutate({ action, targets }, { onSuccess: () => action === 'remove' && onClear() });

  return (
    <div className={styles.selectionBar} data-testid="selection-bar">
      <span data-testid="selection-count">{targets.length} selected</span>
      {(['start', 'stop', 'remove'] as const).map((action) => (
        <button
          key={action}
          type="button"
          className={`button button-small${action === 'remove' ? ' button-danger' : ''}`}
          disabled={bulk.isPending}
          onClick={() => (action === 'start' ? run(action) : setAsking(action))}
          data-testid={`bulk-${action}`}
        >
          {bulk.isPending && bulk.variables?.action === action
            ? bulkLabels[action].pending
            : bulkLabels[action].verb}
        </button>
      ))}
      <button type="button" className="button button-small button-ghost" onClick={onClear}>
        Clear selection
      </button>
      <ConfirmDialog
        open={asking !== null}
        title={`${asking ? bulkLabels[asking].verb : ''} ${targets.length} container${targets.length > 1 ? 's' : ''}?`}
        confirmLabel={asking ? bulkLabels[asking].verb : ''}
        onCancel={() => setAsking(null)}
        onConfirm={() => {
          if (asking) run(asking);
          setAsking(null);
        }}
      >
        <p data-testid="bulk-confirm-names">{names}</p>
        <p>
          {asking === 'remove'
            ? 'Running ones are killed first; their writable layers and logs go with them.'
            : 'Each gets SIGTERM, then SIGKILL after its grace period.'}
        </p>
      </ConfirmDialog>
    </div>
  );
}
