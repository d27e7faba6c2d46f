'use client';

import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useTheme } from '~/theme/theme-provider';
import { useCssColors } from '~/theme/use-css-colors';
import { Banner } from '~/ui/banner';
import { CopyIcon, MaximizeIcon, MinimizeIcon, PasteIcon } from '~/ui/icons';
import { type ConnectionStatus, TerminalConnection } from './terminal-connection';
import { terminalColorNames, terminalTheme } from './terminal-theme';
import styles from './terminal-view.module.css';

/**
 * One terminal session on screen: xterm.js fitted to its pane on every size change
 * (ResizeObserver, so a sidebar, a tab switch or fullscreen all refit), fed by a
 * TerminalConnection. Copy: select and Ctrl+Shift+C, or the browser's menu on a right
 * click. Paste: Ctrl+Shift+V, Shift+Insert, the menu or the button; pastes are paced.
 */
export function TerminalView({
  sessionId,
  resuming,
  visible,
  onStatus,
  onOpenAnother,
  onClose,
}: {
  sessionId: string;
  /** The session was opened before this page: see TerminalConnection. */
  resuming: boolean;
  visible: boolean;
  onStatus: (status: ConnectionStatus) => void;
  onOpenAnother: () => void;
  onClose: () => void;
}) {
  const frame = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  const fit = useRef<(() => void) | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>({ kind: 'connecting' });
  const [fullscreen, setFullscreen] = useState(false);
  const [clipboardNote, setClipboardNote] = useState<string | null>(null);
  const colors = useCssColors(terminalColorNames);
  const { resolved } = useTheme();
  const reportStatus = useRef(onStatus);
  reportStatus.current = onStatus;

  // biome-ignore lint/correctness/useExhaustiveDependencies: one terminal per session; `resuming` only matters when it is made.
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const term = new Terminal({
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13.5,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 10_000,
      allowProposedApi: false,
      macOptionIsMeta: true,
    });
    const fitAddon = new FitAddon();
    term.loadAddon(fitAddon);
    term.open(element);
    terminal.current = term;

    let frameRequest = 0;
    const fitNow = () => {
      cancelAnimationFrame(frameRequest);
      frameRequest = requestAnimationFrame(() => {
        // A hidden tab measures 0×0; fitting then would shrink the terminal to one line.
        if (element.clientWidth > 0 && element.clientHeight > 0) fitAddon.fit();
      });
    };
    fit.current = fitNow;
    fitNow();

    // While replayed output is parsed, xterm.js answers the queries in it (cursor
    // position, device attributes) as if they were new; the program asked long ago and
    // would read the answers as typed input. They all start with ESC; typing does not.
    let replaying = 0;
    const connection = new TerminalConnection(
      sessionId,
      {
        write: (data, drawn, replay) => {
          if (replay) replaying++;
          term.write(data, () => {
            if (replay) replaying--;
            drawn();
          });
        },
        reset: () => term.reset(),
        size: () => ({ cols: term.cols, rows: term.rows }),
      },
      (next) => {
        setStatus(next);
        reportStatus.current(next);
        term.options.disableStdin = next.kind !== 'open';
      },
      resuming,
    );
    const subscriptions = [
      term.onData((data) => {
        if (replaying === 0 || !data.startsWith('\u001b')) connection.sendInput(data);
      }),
      term.onBinary((data) => connection.sendInput(Uint8Array.from(data, (c) => c.charCodeAt(0)))),
      term.onResize(({ cols, rows }) => connection.resize(cols, rows)),
    ];
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        const selection = term.getSelection();
        if (selection) navigator.clipboard.writeText(selection).catch(() => undefined);
        return false;
      }
      // Let the browser turn Ctrl+Shift+V into a paste event, which xterm.js handles.
      return event.code !== 'KeyV';
    });

    const resize = new ResizeObserver(fitNow);
    resize.observe(element);
    connection.connect();

    return () => {
      cancelAnimationFrame(frameRequest);
      resize.disconnect();
      for (const subscription of subscriptions) subscription.dispose();
      connection.dispose();
      term.dispose();
      terminal.current = null;
      fit.current = null;
    };
  }, [sessionId]);

  useEffect(() => {
    if (terminal.current && colors)
      terminal.current.options.theme = terminalTheme(colors, resolved);
  }, [colors, resolved]);

  useEffect(() => {
    if (!visible) return;
    fit.current?.();
    terminal.current?.focus();
  }, [visible]);

  useEffect(() => {
    const onChange = () => {
      setFullscreen(document.fullscreenElement === frame.current);
      terminal.current?.focus();
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  useEffect(() => {
    if (!clipboardNote) return;
    const timer = setTimeout(() => setClipboardNote(null), 3000);
    return () => clearTimeout(timer);
  }, [clipboardNote]);

  const copy = () => {
    const selection = terminal.current?.getSelection();
    if (!selection) {
      setClipboardNote('Select text in the terminal first.');
      return;
    }
    navigator.clipboard.writeText(selection).then(
      () => setClipboardNote('Copied.'),
      () => setClipboardNote('The browser refused the clipboard: use Ctrl+Shift+C.'),
    );
    terminal.current?.focus();
  };

  const paste = () => {
    navigator.clipboard.readText().then(
      (text) => {
        terminal.current?.paste(text);
        terminal.current?.focus();
      },
      () => setClipboardNote('The browser refused the clipboard: use Ctrl+Shift+V.'),
    );
  };

  const toggleFullscreen = () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
    else frame.current?.requestFullscreen().catch(() => undefined);
  };

  return (
    <div ref={frame} className={styles.frame} data-fullscreen={fullscreen || undefined}>
      <div className={styles.toolbar}>
        <StatusText status={status} />
        {clipboardNote ? (
          <span className={styles.note} role="status">
            {clipboardNote}
          </span>
        ) : (
          <span className={styles.note}>
            <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>C</kbd> / <kbd>V</kbd> copy and paste
          </span>
        )}
        <button type="button" className="button button-small button-ghost" onClick={copy}>
          <CopyIcon size={14} /> Copy
        </button>
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={paste}
          disabled={status.kind !== 'open'}
        >
          <PasteIcon size={14} /> Paste
        </button>
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={toggleFullscreen}
          aria-pressed={fullscreen}
        >
          {fullscreen ? <MinimizeIcon size={14} /> : <MaximizeIcon size={14} />}
          {fullscreen ? 'Exit full screen' : 'Full screen'}
        </button>
      </div>
      {status.kind === 'exited' || status.kind === 'gone' ? (
        <Banner
          tone={status.kind === 'exited' && status.exitCode === 0 ? 'info' : 'warning'}
          title={
            status.kind === 'exited'
              ? `Exited (code ${status.exitCode ?? 'unknown'})`
              : 'This terminal session is gone'
          }
          testId="terminal-exited"
          action={
            <>
              <button type="button" className="button button-small" onClick={onOpenAnother}>
                Open a new terminal
              </button>
              <button type="button" className="button button-small button-ghost" onClick={onClose}>
                Close tab
              </button>
            </>
          }
        >
          {status.kind === 'exited'
            ? 'The process ended; its last screen stays below.'
            : status.message}
        </Banner>
      ) : null}
      {status.kind === 'reconnecting' ? (
        <Banner
          tone="warning"
          title="Connection lost: reconnecting…"
          testId="terminal-reconnecting"
        >
          {status.offline
            ? 'The browser is offline; the terminal comes back when the network does.'
            : `Attempt ${status.attempt}. The shell keeps running in the agent.`}
        </Banner>
      ) : null}
      <div
        ref={host}
        className={styles.screen}
        data-testid="terminal"
        data-session={sessionId}
        data-status={status.kind}
      />
    </div>
  );
}

function StatusText({ status }: { status: ConnectionStatus }) {
  const text =
    status.kind === 'open'
      ? 'Connected'
      : status.kind === 'connecting'
        ? 'Connecting…'
        : status.kind === 'reconnecting'
          ? 'Reconnecting…'
          : status.kind === 'exited'
            ? 'Exited'
            : 'Gone';
  return (
    <span className={styles.status} data-kind={status.kind}>
      <span className={styles.dot} aria-hidden="true" />
      {text}
    </span>
  );
}
