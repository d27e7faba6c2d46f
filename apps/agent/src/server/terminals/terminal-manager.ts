import { lstatSync } from 'node:fs';
import {
  type AdoptedTerminal,
  CoveError,
  type Engine,
  type Libc,
  type RunningContainer,
} from '@cove/core';
import type { ContainerRecord, TerminalOpen } from '@cove/shared';
import { TerminalOpenSchema } from '@cove/shared';
import { PtySession } from './terminal-session.js';

const shellCandidates = ['/bin/bash', '/usr/bin/bash', '/bin/ash', '/bin/sh'];

/** Shells present in a running container, best first. lstat only: nothing is followed. */
export function shellsOf(record: ContainerRecord): string[] {
  const pid = record.state.pid;
  if (!pid || record.state.status !== 'running') return [];
  return shellCandidates.filter((shell) => {
    try {
      lstatSync(`/proc/${pid}/root${shell}`);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Every terminal the agent holds: exec sessions, and the own terminal of each container
 * started with `-t`. Sessions outlive their clients; a limit keeps their number sane.
 */
export function createTerminalManager(engine: Engine, libc: Libc, limit = 64) {
  const sessions = new Map<string, PtySession>();
  const containerTerminals = new Map<string, PtySession>();

  const track = (session: PtySession) => {
    sessions.set(session.id, session);
    session.onClose(() => {
      // Closed sessions stay listed briefly so a client can still read the exit code.
      // A container's own terminal likewise, so a client that attaches just after a
      // short-lived container ended (`cove run --rm -t … echo hi`) still gets its output.
      setTimeout(() => {
        sessions.delete(session.id);
        if (containerTerminals.get(session.containerId) === session) {
          containerTerminals.delete(session.containerId);
        }
      }, 60_000).unref();
    });
    return session;
  };
  const openCount = () => [...sessions.values()].filter((s) => s.isOpen).length;

  return {
    /** For engine.onStart: a `-t` container's terminal, attachable from then on. */
    adopt(record: ContainerRecord, running: RunningContainer): void {
      if (running.terminal === undefined) return;
      const session = new PtySession(
        libc,
        running.terminal,
        record.id,
        'attach',
        record.args,
        running.exited,
      );
      containerTerminals.get(record.id)?.close();
      containerTerminals.set(record.id, track(session));
    },

    /** For engine.onAdoptTerminal: the terminal of a `-t` container an earlier agent started. */
    adoptTerminal(record: ContainerRecord, terminal: AdoptedTerminal): void {
      const session = new PtySession(
        libc,
        terminal.master,
        record.id,
        'attach',
        record.args,
        terminal.ended.then(() => null),
      );
      containerTerminals.get(record.id)?.close();
      containerTerminals.set(record.id, track(session));
    },

    async open(input: TerminalOpen): Promise<PtySession> {
      const request = TerminalOpenSchema.parse(input);
      // By full id, the terminal of a container that already ended (and was removed,
      // with --rm) is still found.
      const byId =
        request.mode === 'attach' ? containerTerminals.get(request.container) : undefined;
      if (byId) {
        byId.resize(request);
        return byId;
      }
      const record = engine.inspect(request.container);
      if (request.mode === 'attach') {
        const session = containerTerminals.get(record.id);
        if (!session) {
          throw new CoveError(
            `container ${record.name} has no terminal to attach to: start it with -t`,
          );
        }
        session.resize(request);
        return session;
      }
      if (openCount() >= limit) {
        throw new CoveError(`too many open terminals (${limit}): close some first`);
      }
      const args = request.command.length ? request.command : shellsOf(record).slice(0, 1);
      if (!args.length)
        throw new CoveError(`container ${record.name} has no shell: name a command`);
      const process = await engine.exec(record.id, {
        args,
        user: request.user,
        workdir: request.workdir,
        env: request.env,
        terminal: { cols: request.cols, rows: request.rows },
      });
      if (process.terminal === undefined) throw new CoveError('exec returned no terminal');
      return track(new PtySession(libc, process.terminal, record.id, 'exec', args, process.exited));
    },

    get(id: string): PtySession | undefined {
      return sessions.get(id);
    },

    list(containerId: string): PtySession[] {
      return [...sessions.values()].filter((s) => s.containerId === containerId);
    },

    closeAll(): void {
      for (const session of sessions.values()) session.close();
    },
  };
}
export type TerminalManager = ReturnType<typeof createTerminalManager>;
