'use client';

import type { PullProgress } from '@cove/shared';
import { useQueryClient } from '@tanstack/react-query';
import type { Unsubscribable } from '@trpc/server/observable';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTRPC, useTRPCClient } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';

export type PullState =
  | { status: 'idle' }
  | {
      status: 'pulling';
      reference: string;
      phase: PullProgress['phase'];
      /** Summed over every layer being downloaded, as the agent reports them. */
      bytes: number;
      totalBytes: number | null;
      /** The layers the agent has reported on so far. */
      layers: number;
    }
  | { status: 'done'; reference: string; warnings: string[] }
  | { status: 'failed'; reference: string; message: string };

/**
 * Pulls an image, started by a click: a subscription that reports the bytes received over
 * all layers, then the name it is stored under and any warnings. Leaving the page cancels it, and the
 * image list refreshes when it is done.
 */
export function useImagePull() {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<PullState>({ status: 'idle' });
  const subscription = useRef<Unsubscribable | null>(null);

  const cancel = useCallback(() => {
    subscription.current?.unsubscribe();
    subscription.current = null;
    setState({ status: 'idle' });
  }, []);

  const start = useCallback(
    (reference: string, insecure = false) => {
      subscription.current?.unsubscribe();
      const layers = new Set<string>();
      setState({
        status: 'pulling',
        reference,
        phase: 'resolving',
        bytes: 0,
        totalBytes: null,
        layers: 0,
      });
      let finished = false;
      const finish = (result: PullProgress['result']) => {
        if (finished) return;
        finished = true;
        subscription.current?.unsubscribe();
        subscription.current = null;
        setState({
          status: 'done',
          reference: result?.reference ?? reference,
          warnings: result?.warnings ?? [],
        });
        queryClient.invalidateQueries(trpc.images.list.queryFilter());
      };
      subscription.current = client.images.pull.subscribe(
        { reference, insecure },
        {
          onData: (progress) => {
            if (progress.layer) layers.add(progress.layer);
            if (progress.phase === 'done') finish(progress.result);
            else {
              setState({
                status: 'pulling',
                reference,
                phase: progress.phase,
                bytes: progress.bytes,
                totalBytes: progress.totalBytes,
                layers: layers.size,
              });
            }
          },
          onError: (error) => {
            finished = true;
            subscription.current = null;
            setState({ status: 'failed', reference, message: errorMessage(error) });
          },
          onComplete: () => finish(undefined),
        },
      );
    },
    [client, queryClient, trpc],
  );

  useEffect(() => () => subscription.current?.unsubscribe(), []);

  return { state, start, cancel };
}
