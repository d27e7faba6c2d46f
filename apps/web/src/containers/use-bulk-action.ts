'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, useTRPCClient } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { useToast } from '~/ui/toasts';

/** What the selection bar does to several containers at once. */
export type BulkAction = 'start' | 'stop' | 'remove';

export const bulkLabels: Record<BulkAction, { verb: string; pending: string }> = {
  start: { verb: 'Start', pending: 'Starting…' },
  stop: { verb: 'Stop', pending: 'Stopping…' },
  remove: { verb: 'Remove', pending: 'Removing…' },
};

export interface BulkTarget {
  id: string;
  name: string;
  running: boolean;
}

/**
 * Runs one action on each selected container, one after another (the agent takes them
 * in turn anyway), and reports those that failed in one toast, each with the agent's
 * reason. A removal of a running container forces it: the confirmation said so.
 */
export function useBulkAction() {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();

  return useMutation({
    mutationFn: async ({ action, targets }: { action: BulkAction; targets: BulkTarget[] }) => {
      const failed: string[] = [];
      for (const target of targets) {
        try {
          if (action === 'start') await client.containers.start.mutate({ id: target.id });
          if (action === 'stop') await client.containers.stop.mutate({ id: target.id });
          if (action === 'remove') {
            await client.containers.remove.mutate({ id: target.id, force: target.running });
          }
        } catch (error) {
          failed.push(`${target.name}: ${errorMessage(error)}`);
        }
      }
      return failed;
    },
    onSuccess: (failed, { action, targets }) => {
      if (failed.length === 0) return;
      notify({
        tone: 'danger',
        title: `${bulkLabels[action].verb} failed for ${failed.length} of ${targets.length}`,
        detail: failed.join('\n'),
      });
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries(trpc.containers.list.queryFilter()),
        queryClient.invalidateQueries(trpc.containers.inspect.queryFilter()),
      ]),
  });
}
