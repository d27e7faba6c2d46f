'use client';

import type { ContainerStatus } from '@cove/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, useTRPCClient } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { useToast } from '~/ui/toasts';
import { actionLabels, type ContainerAction } from './container-action';

interface Target {
  id: string;
  name: string;
  status: ContainerStatus;
}

/** Runs one lifecycle action on a container and refreshes what shows it. */
export function useContainerAction(target: Target, onRemoved?: () => void) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();

  return useMutation({
    mutationFn: async (action: ContainerAction) => {
      const id = target.id;
      switch (action) {
        case 'start':
          return client.containers.start.mutate({ id });
        case 'stop':
          return client.containers.stop.mutate({ id });
        case 'restart':
          return client.containers.restart.mutate({ id });
        case 'pause':
          return client.containers.pause.mutate({ id });
        case 'unpause':
          return client.containers.unpause.mutate({ id });
        case 'kill':
          return client.containers.kill.mutate({ id });
        case 'remove':
          // A running container can only go with force, and the dialog said so.
          return client.containers.remove.mutate({ id, force: target.status !== 'exited' });
      }
    },
    onSuccess: (_result, action) => {
      if (action === 'remove') onRemoved?.();
    },
    onError: (error, action) => {
      notify({
        tone: 'danger',
        title: `${actionLabels[action].verb} ${target.name} failed`,
        detail: errorMessage(error),
      });
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries(trpc.containers.list.queryFilter()),
        queryClient.invalidateQueries(trpc.containers.inspect.queryFilter()),
      ]),
  });
}
