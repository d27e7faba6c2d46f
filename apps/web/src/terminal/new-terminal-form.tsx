'use client';

import { type FormEvent, useState } from 'react';
import styles from './terminal-panel.module.css';
import type { TerminalPreferences } from './terminal-preferences';

const otherShell = '__other__';

/**
 * How to open the next terminal: which shell (the ones the agent found in the
 * container, best first, or any command), as which user, in which directory, or the
 * container's own terminal when it has one. The choice is remembered per container.
 */
export function NewTerminalForm({
  shells,
  canAttach,
  initial,
  pending,
  onOpen,
  onCancel,
}: {
  shells: readonly string[] | undefined;
  canAttach: boolean;
  initial: TerminalPreferences;
  pending: boolean;
  onOpen: (mode: 'exec' | 'attach', preferences: TerminalPreferences) => void;
  onCancel: () => void;
}) {
  const known = !initial.shell || (shells ?? []).includes(initial.shell);
  const [shellChoice, setShellChoice] = useState(known ? initial.shell : otherShell);
  const [otherCommand, setOtherCommand] = useState(known ? '' : initial.shell);
  const [user, setUser] = useState(initial.user);
  const [workdir, setWorkdir] = useState(initial.workdir);
  const [mode, setMode] = useState<'exec' | 'attach'>('exec');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const shell = shellChoice === otherShell ? otherCommand.trim() : shellChoice;
    onOpen(mode, { shell, user, workdir });
  };

  return (
    <form className={styles.newForm} onSubmit={submit} aria-label="New terminal">
      {canAttach ? (
        <fieldset className={styles.modes}>
          <legend className="sr-only">Kind of terminal</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="terminal-mode"
              checked={mode === 'exec'}
              onChange={() => setMode('exec')}
            />
            New shell
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="terminal-mode"
              checked={mode === 'attach'}
              onChange={() => setMode('attach')}
            />
            The container’s own terminal
          </label>
        </fieldset>
      ) : null}
      <div className={styles.newFields} data-disabled={mode === 'attach' || undefined}>
        <label>
          <span>Shell</span>
          <select
            className="select"
            value={shellChoice}
            disabled={mode === 'attach'}
            onChange={(event) => setShellChoice(event.target.value)}
            data-testid="terminal-shell"
          >
            <option value="">Best available{shells?.[0] ? ` (${shells[0]})` : ''}</option>
            {(shells ?? []).map((shell) => (
              <option key={shell} value={shell}>
                {shell}
              </option>
            ))}
            <option value={otherShell}>Other command…</option>
          </select>
        </label>
        {shellChoice === otherShell ? (
          <label>
            <span>Command</span>
            <input
              className="input mono"
              value={otherCommand}
              disabled={mode === 'attach'}
              onChange={(event) => setOtherCommand(event.target.value)}
              placeholder="/usr/bin/python3"
            />
          </label>
        ) : null}
        <label>
          <span>User</span>
          <input
            className="input mono"
            value={user}
            disabled={mode === 'attach'}
            onChange={(event) => setUser(event.target.value)}
            placeholder="root"
            data-testid="terminal-user"
          />
        </label>
        <label>
          <span>Working directory</span>
          <input
            className="input mono"
            value={workdir}
            disabled={mode === 'attach'}
            onChange={(event) => setWorkdir(event.target.value)}
            placeholder="/"
            data-testid="terminal-workdir"
          />
        </label>
      </div>
      <div className={styles.newButtons}>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={pending}
          data-testid="terminal-open"
        >
          {pending ? 'Opening…' : 'Open terminal'}
        </button>
      </div>
    </form>
  );
}
