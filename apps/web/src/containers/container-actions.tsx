'use client';

import type { ContainerStatus } from '@cove/shared';
import { type ComponentType, useState } from 'react';
import { ConfirmDialog } from '~/ui/confirm-dialog';
import { KillIcon, PauseIcon, PlayIcon, RestartIcon, StopIcon, TrashIcon } from '~/ui/icons';
import {
  actionLabels,
  actionsFor,
  type ContainerAction,
  needsConfirmation,
} from './container-action';
import styles from './container-actions.module.css';
import { useContainerAction } from './use-container-action';

const icons: Record<ContainerAction, ComponentType<{ size?: number }>> = {
  start: PlayIcon,
  stop: StopIcon,
  restart: RestartIcon,
  pause: PauseIcon,
  unpause: PlayIcon,
  kill: KillIcon,
  remove: TrashIcon,
};

/**
 * A container's lifecycle buttons: icons in a table row, labelled in a page header.
 * Every button's accessible name says what and which container ("Stop web").
 */
export function ContainerActions({
  id,
  name,
  status,
  variant,
  onRemoved,
}: {
  id: string;
  name: string;
  status: ContainerStatus;
  variant: 'row' | 'header';
  onRemoved?: () => void;
}) {
  const action = useContainerAction({ id, name, status }, onRemoved);
  const [confirming, setConfirming] = useState<ContainerAction | null>(null);
  const pending = action.isPending ? action.variables : undefined;

  const request = (chosen: ContainerAction) => {
    if (needsConfirmation(chosen)) setConfirming(chosen);
    else action.mutate(chosen);
  };

  return (
    <div className={styles.actions} data-variant={variant}>
      {actionsFor(status).map((each) => {
        const Icon = icons[each];
        const label = `${actionLabels[each].verb} ${name}`;
        const isPending = pending === each;
        return (
          <button
            key={each}
            type="button"
            className={variant === 'row' ? 'button button-ghost button-icon' : 'button'}
            data-action={each}
            data-testid={`action-${each}`}
            aria-label={variant === 'row' ? label : undefined}
            title={variant === 'row' ? label : undefined}
            disabled={action.isPending}
            onClick={() => request(each)}
          >
            <span className={isPending ? styles.spinning : undefined}>
              <Icon size={variant === 'row' ? 15 : 14} />
            </span>
            {variant === 'header' ? (
              <span>{isPending ? actionLabels[each].pending : actionLabels[each].verb}</span>
            ) : null}
          </button>
        );
      })}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === 'kill' ? `Kill ${name}?` : `Remove ${name}?`}
        confirmLabel={confirming === 'kill' ? 'Kill' : 'Remove'}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming) action.mutate(confirming);
          setConfirming(null);
        }}
      >
        {confirming === 'kill' ? (
          <p>
            Every process in <strong>{name}</strong> gets SIGKILL at once: nothing can save its
            work. <em>Stop</em> asks them to exit first.
          </p>
        ) : status === 'exited' || status === 'created' ? (
          <p>
            The container’s writable layer and its logs are deleted. The image stays. This cannot be
            undone.
          </p>
        ) : (
          <p>
            <strong>{name}</strong> is {status}: it is killed first. Then its writable layer, logs
            and terminal sessions are deleted. This cannot be undone.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
