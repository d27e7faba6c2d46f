'use client';

import { useEffect, useState } from 'react';
import { useAgentSocket } from './api-provider';

export type AgentConnection = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/** The live channel's state, for the status light and the "reconnecting" banner. */
export function useAgentConnection(): AgentConnection {
  const socket = useAgentSocket();
  const [connection, setConnection] = useState<AgentConnection>('idle');
  useEffect(() => {
    const subscription = socket.connectionState.subscribe({
      next: (state) => {
        if (state.state === 'pending') setConnection('connected');
        else if (state.state === 'connecting') {
          setConnection(state.error ? 'reconnecting' : 'connecting');
        } else setConnection('idle');
      },
    });
    return () => subscription.unsubscribe();
  }, [socket]);
  return connection;
}
