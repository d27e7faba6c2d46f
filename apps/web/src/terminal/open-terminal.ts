import type { AppRouter } from '@cove/agent/router';
import type { TerminalSession } from '@cove/shared';
import type { TRPCClient } from '@trpc/client';
import { splitCommandLine } from '~/create/split-command-line';
import type { TerminalPreferences } from './terminal-preferences';

/** Until the view has measured its pane; it sends its real size as soon as it connects. */
const initialSize = { cols: 120, rows: 32 };

export interface OpenRequest {
  containerId: string;
  mode: 'exec' | 'attach';
  preferences: TerminalPreferences;
}

/** Asks the agent for a terminal session: a new process (exec), or the container's own TTY. */
export function openTerminal(
  client: TRPCClient<AppRouter>,
  { containerId, mode, preferences }: OpenRequest,
): Promise<TerminalSession> {
  return client.terminals.open.mutate({
    container: containerId,
    mode,
    command: mode === 'exec' ? commandOf(preferences.shell) : [],
    user: mode === 'exec' ? preferences.user.trim() || undefined : undefined,
    workdir: mode === 'exec' ? preferences.workdir.trim() || undefined : undefined,
    ...initialSize,
  });
}

/** `bash`, `sh (nobody)`, `attached`: what a tab is called. */
export function sessionLabel(session: TerminalSession, preferences: TerminalPreferences): string {
  if (session.mode === 'attach') return 'attached';
  const program = session.command[0]?.split('/').pop() || 'shell';
  const user = preferences.user.trim();
  return user ? `${program} (${user})` : program;
}

/** A shell path, or a command line typed under "Other command…"; empty: the agent picks. */
function commandOf(shell: string): string[] {
  try {
    return splitCommandLine(shell);
  } catch {
    return [shell];
  }
}
