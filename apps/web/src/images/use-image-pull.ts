'use client';

import type { PullProgress } from '@cove/shared';
import { useQueryClient } from '@tanstack/react-query';
import type { Unsubscribable } from '@trpc/server/observable';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTRPC, useTRPCClient } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';

export interface LayerProgress {
  bytes: number;
  totalBytes: number | null;
}

export type PullState =
  | { status: 'idle' }
  | {
      status: 'pulling';
      reference: string;
      phase: PullProgress['phase'];
      layers: ReadonlyMap<string, LayerProgress>;
    }
  | { status: 'done'; reference: string }
  | { status: 'failed'; reference: string; message: string };

/**
 * Pulls an image, started by a click: a subscription that reports each layer's bytes.
 * Leaving the page cancels it, and the image list refreshes when it is done.
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
      const layers = new Map<string, LayerProgress>();
      setState({ status: 'pulling', reference, phase: 'resolving', layers });
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        subscription.current?.unsubscribe();
        subscription.current = null;
        setState({ status: 'done', reference });
        queryClient.invalidateQueries(trpc.images.list.queryFilter());
      };
      subscription.current = client.images.pull.subscribe(
        { reference, insecure },
        {
          onData: (progress) => {
            if (progress.layer) {
              layers.set(progress.layer, {
                bytes: progress.bytes,
                totalBytes: progress.totalBytes,
              });
            }
            if (progress.phase === 'done') finish();
            else setState({ status: 'pulling', reference, phase: progress.phase, layers });
          },
          onError: (error) => {
            finished = true;
            subscription.current = null;
            setState({ status: 'failed', reference, message: errorMessage(error) });
          },
          onComplete: finish,
        },
      );
    },
    [client, queryClient, trpc],
  );

  useEffect(() => () => subscription.current?.unsubscribe(), []);

  return { state, start, cancel };
}

/** Bytes so far and in all, over the layers whose size is known. */
export function totalProgress(layers: ReadonlyMap<string, LayerProgress>): {
  bytes: number;
  totalBytes: number | null;
} {
  let bytes = 0;
  let totalBytes = 0;
  let known = layers.size > 0;
  for (const layer of layers.values()) {
    bytes += layer.bytes;
    if (layer.totalBytes === null) known = false;
    else totalBytes += layer.totalBytes;
  }
  return { bytes, totalBytes: known ? totalBytes : null };
}
