'use client';

import type { ContainerRecord } from '@cove/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC, useTRPCClient } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { useContainerAction } from '~/containers/use-container-action';
import { Banner } from '~/ui/banner';
import { EmptyState } from '~/ui/empty-state';
import { CloseIcon, PlusIcon, TerminalIcon } from '~/ui/icons';
import { NewTerminalForm } from './new-terminal-form';
import { openTerminal, sessionLabel } from './open-terminal';
import type { ConnectionStatus } from './terminal-connection';
import styles from './terminal-panel.module.css';
import {
  readTerminalPreferences,
  type TerminalPreferences,
  writeTerminalPreferences,
} from './terminal-preferences';
import { readTerminalTabs, type StoredTab, writeTerminalTabs } from './terminal-tabs-store';
import { TerminalView } from './terminal-view';

/** A tab younger than this may be missing from a session list fetched just before it. */
const listGraceMs = 10_000;

/**
 * The container's terminals as tabs. Sessions live in the agent; this browser tab keeps
 * their ids (sessionStorage), so a reload re-attaches to the same shells. Opening the
 * panel on a running container with no terminal opens one.
 */
export function TerminalPanel({ record, visible }: { record: ContainerRecord; visible: boolean }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const running = record.state.status === 'running';
  const [tabs, setTabs] = useState<StoredTab[]>(() => readTerminalTabs(record.id));
  // Sessions found in storage were opened before this page: they resume.
  const [resumed] = useState(() => new Set(tabs.map((tab) => tab.sessionId)));
  const [active, setActive] = useState<string | null>(() => tabs[0]?.sessionId ?? null);
  const [statuses, setStatuses] = useState<Record<string, ConnectionStatus['kind']>>({});
  const [formOpen, setFormOpen] = useState(false);
  const [preferences, setPreferences] = useState(() => readTerminalPreferences(record.id));
  const autoOpened = useRef(false);
  const start = useContainerAction({
    id: record.id,
    name: record.name,
    status: record.state.status,
  });

  const sessions = useQuery(trpc.terminals.list.queryOptions({ container: record.id }));
  const shells = useQuery(
    trpc.containers.shells.queryOptions({ id: record.id }, { enabled: running, staleTime: 60_000 }),
  );

  useEffect(() => writeTerminalTabs(record.id, tabs), [record.id, tabs]);

  // Forget tabs whose session the agent no longer has (an agent restart ends them all).
  useEffect(() => {
    if (!sessions.data) return;
    const known = new Set(sessions.data.map((session) => session.id));
    const now = Date.now();
    setTabs((current) => {
      const kept = current.filter(
        (tab) => known.has(tab.sessionId) || now - tab.openedAt < listGraceMs,
      );
      return kept.length === current.length ? current : kept;
    });
  }, [sessions.data]);

  useEffect(() => {
    if (active && tabs.some((tab) => tab.sessionId === active)) return;
    setActive(tabs.at(-1)?.sessionId ?? null);
  }, [tabs, active]);

  const open = useMutation({
    mutationFn: async (request: {
      mode: 'exec' | 'attach';
      preferences: TerminalPreferences;
      /** Open a shell instead when the container's own terminal is gone (agent restarted). */
      orShell?: boolean;
    }) => {
      const { mode, preferences: chosen, orShell } = request;
      const session = await openTerminal(client, {
        containerId: record.id,
        mode,
        preferences: chosen,
      }).catch((error: unknown) => {
        if (mode !== 'attach' || !orShell) throw error;
        return openTerminal(client, { containerId: record.id, mode: 'exec', preferences: chosen });
      });
      return { session, preferences: chosen };
    },
    onSuccess: ({ session, preferences: used }) => {
      setTabs((current) => [
        ...current,
        {
          sessionId: session.id,
          label: sessionLabel(session, used),
          openedAt: Date.now(),
          mode: session.mode,
        },
      ]);
      setActive(session.id);
      setFormOpen(false);
      queryClient.invalidateQueries(trpc.terminals.list.queryFilter());
    },
  });

  useEffect(() => {
    if (!visible || !running || !sessions.data || autoOpened.current) return;
    autoOpened.current = true;
    if (tabs.length > 0) return;
    // A container started with -t has a terminal of its own: that is the one to show.
    open.mutate({ mode: record.spec.tty ? 'attach' : 'exec', preferences, orShell: true });
  }, [visible, running, sessions.data, tabs.length, open, record.spec.tty, preferences]);

  const openWith = (mode: 'exec' | 'attach', chosen: TerminalPreferences) => {
    if (mode === 'exec') {
      setPreferences(chosen);
      writeTerminalPreferences(record.id, chosen);
    }
    open.mutate({ mode, preferences: chosen });
  };

  const closeTab = (sessionId: string) => {
    setTabs((current) => current.filter((tab) => tab.sessionId !== sessionId));
    client.terminals.close.mutate({ id: sessionId }).catch(() => undefined);
  };

  if (tabs.length === 0 && !running) {
    return (
      <EmptyState
        icon={<TerminalIcon size={22} />}
        title={`${record.name} is not running`}
        action={
          record.state.status === 'exited' || record.state.status === 'created' ? (
            <button
              type="button"
              className="button button-primary"
              disabled={start.isPending}
              onClick={() => start.mutate('start')}
            >
              {start.isPending ? 'Starting…' : 'Start it'}
            </button>
          ) : null
        }
      >
        A terminal runs inside a running container. Start it to open one.
      </EmptyState>
    );
  }

  return (
    <div className={styles.panel}>
      <div className={styles.bar}>
        <div role="tablist" aria-label="Terminals" className={styles.tabs}>
          {tabs.map((tab) => (
            <div key={tab.sessionId} className={styles.tab} data-active={tab.sessionId === active}>
              <button
                type="button"
                role="tab"
                aria-selected={tab.sessionId === active}
                className={styles.tabButton}
                onClick={() => setActive(tab.sessionId)}
                data-testid="terminal-tab"
              >
                <span
                  className={styles.tabDot}
                  data-kind={statuses[tab.sessionId] ?? 'connecting'}
                />
                {tab.label}
              </button>
              <button
                type="button"
                className={styles.tabClose}
                aria-label={`Close terminal ${tab.label}`}
                title={
                  tab.mode === 'attach'
                    ? "Close (detaches: the container's program goes on running)"
                    : 'Close (ends the shell)'
                }
                data-testid="terminal-tab-close"
                onClick={() => closeTab(tab.sessionId)}
              >
                <CloseIcon size={12} />
              </button>
            </div>
          ))}
        </div>
        <button
          type="button"
          className="button button-small"
          onClick={() => setFormOpen((shown) => !shown)}
          aria-expanded={formOpen}
          disabled={!running}
          data-testid="terminal-new"
        >
          <PlusIcon size={14} /> New terminal
        </button>
      </div>

      {formOpen ? (
        <NewTerminalForm
          shells={shells.data}
          canAttach={record.spec.tty}
          initial={preferences}
          pending={open.isPending}
          onOpen={openWith}
          onCancel={() => setFormOpen(false)}
        />
      ) : null}
      {open.isError ? (
        <Banner tone="danger" title="Could not open a terminal" testId="terminal-open-error">
          {errorMessage(open.error)}
        </Banner>
      ) : null}

      {tabs.length === 0 ? (
        <EmptyState
          icon={<TerminalIcon size={22} />}
          title={open.isPending ? 'Opening a terminal…' : 'No terminal open'}
          action={
            <button
              type="button"
              className="button button-primary"
              disabled={open.isPending}
              onClick={() => open.mutate({ mode: 'exec', preferences })}
            >
              Open a terminal
            </button>
          }
        >
          A shell runs in the container as long as its tab is open, and survives a reload.
        </EmptyState>
      ) : (
        tabs.map((tab) => (
          <div
            key={tab.sessionId}
            role="tabpanel"
            hidden={tab.sessionId !== active}
            className={styles.view}
          >
            <TerminalView
              sessionId={tab.sessionId}
              resuming={resumed.has(tab.sessionId)}
              visible={visible && tab.sessionId === active}
              onStatus={(status) =>
                setStatuses((current) =>
                  current[tab.sessionId] === status.kind
                    ? current
                    : { ...current, [tab.sessionId]: status.kind },
                )
              }
              onOpenAnother={() => open.mutate({ mode: 'exec', preferences })}
              onClose={() => closeTab(tab.sessionId)}
            />
          </div>
        ))
      )}
    </div>
  );
}
