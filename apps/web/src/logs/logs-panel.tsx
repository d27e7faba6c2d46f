'use client';

import type { ContainerRecord, LogLine } from '@cove/shared';
import { useSubscription } from '@trpc/tanstack-react-query';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { errorMessage } from '~/api/trpc-error';
import { terminalColorNames, terminalTheme } from '~/terminal/terminal-theme';
import { useTheme } from '~/theme/theme-provider';
import { useCssColors } from '~/theme/use-css-colors';
import { Banner } from '~/ui/banner';
import {
  ArrowDownToLineIcon,
  ChevronDownIcon,
  ChevronUpIcon,
  DownloadIcon,
  SearchIcon,
} from '~/ui/icons';
import { formatLogLine, logFileText } from './log-format';
import styles from './logs-panel.module.css';

/** Lines kept in the browser: enough for any screen, bounded for a chatty container. */
const keptLines = 50_000;
const tailChoices = [200, 1000, 10_000];

/**
 * The container's output in a read-only xterm.js: it renders the programs' ANSI colours
 * and cursor tricks as a terminal would, scrolls 50 000 lines smoothly, and its search
 * addon finds and highlights matches. Follows new lines until the user scrolls up.
 */
export function LogsPanel({ record, visible }: { record: ContainerRecord; visible: boolean }) {
  const trpc = useTRPC();
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  const search = useRef<SearchAddon | null>(null);
  const fit = useRef<(() => void) | null>(null);
  const lines = useRef<LogLine[]>([]);
  const started = useRef(false);
  const [lineCount, setLineCount] = useState(0);
  const [follow, setFollow] = useState(true);
  const followRef = useRef(follow);
  followRef.current = follow;
  const [timestamps, setTimestamps] = useState(false);
  const timestampsRef = useRef(timestamps);
  timestampsRef.current = timestamps;
  const [tail, setTail] = useState(1000);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);
  const colors = useCssColors(terminalColorNames);
  const { resolved } = useTheme();

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const term = new Terminal({
      disableStdin: true,
      convertEol: true,
      scrollback: keptLines,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 12.5,
      cursorInactiveStyle: 'none',
      // The search addon draws its highlights as decorations, a proposed API.
      allowProposedApi: true,
    });
    const fitAddon = new FitAddon();
    const searchAddon = new SearchAddon();
    term.loadAddon(fitAddon);
    term.loadAddon(searchAddon);
    term.open(element);
    terminal.current = term;
    search.current = searchAddon;
    let frame = 0;
    const fitNow = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (element.clientWidth > 0 && element.clientHeight > 0) fitAddon.fit();
      });
    };
    fit.current = fitNow;
    fitNow();
    const resize = new ResizeObserver(fitNow);
    resize.observe(element);
    const results = searchAddon.onDidChangeResults(({ resultIndex, resultCount }) =>
      setResults({ index: resultIndex, count: resultCount }),
    );
    // Scrolling up stops following; scrolling back to the end resumes it.
    const scroll = term.onScroll(() => {
      const buffer = term.buffer.active;
      const atEnd = buffer.viewportY >= buffer.baseY;
      if (atEnd !== followRef.current) setFollow(atEnd);
    });
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      results.dispose();
      scroll.dispose();
      term.dispose();
      terminal.current = null;
      search.current = null;
      fit.current = null;
    };
  }, []);

  useEffect(() => {
    if (terminal.current && colors) {
      terminal.current.options.theme = {
        ...terminalTheme(colors, resolved),
        cursor: colors['--terminal-bg'],
      };
    }
  }, [colors, resolved]);

  useEffect(() => {
    if (visible) fit.current?.();
  }, [visible]);

  const redraw = (withTimestamps: boolean) => {
    const term = terminal.current;
    if (!term) return;
    term.reset();
    term.write(lines.current.map((line) => formatLogLine(line, withTimestamps)).join(''));
  };

  const subscription = useSubscription(
    trpc.containers.logs.subscriptionOptions(
      { id: record.id, tail },
      {
        onStarted: () => {
          // After a reconnect the agent sends the tail again: start over rather than repeat.
          if (started.current) {
            lines.current = [];
            terminal.current?.reset();
            setLineCount(0);
          }
          started.current = true;
        },
        onData: (line) => {
          lines.current.push(line);
          if (lines.current.length > keptLines)
            lines.current.splice(0, lines.current.length - keptLines);
          terminal.current?.write(formatLogLine(line, timestampsRef.current), () => {
            if (followRef.current) terminal.current?.scrollToBottom();
          });
          setLineCount(lines.current.length);
        },
      },
    ),
  );
  // Following ends when the container stops, as `docker logs -f` does; a new run (a
  // restart, a start) subscribes again, and the tail it sends replaces what is shown.
  const runStartedAt = record.state.startedAt;
  const followedRun = useRef(runStartedAt);
  const { reset } = subscription;
  useEffect(() => {
    if (runStartedAt === followedRun.current) return;
    followedRun.current = runStartedAt;
    reset();
  }, [runStartedAt, reset]);

  const find = (direction: 'next' | 'previous') => {
    const addon = search.current;
    if (!addon || !query) return;
    const options = {
      decorations: {
        matchBackground: '#f2cc6066',
        matchOverviewRuler: '#f2cc60',
        activeMatchBackground: '#ff9632',
        activeMatchColorOverviewRuler: '#ff9632',
      },
    };
    if (direction === 'next') addon.findNext(query, options);
    else addon.findPrevious(query, options);
    setFollow(false);
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      find(event.shiftKey ? 'previous' : 'next');
    } else if (event.key === 'Escape') {
      setQuery('');
      setResults(null);
      search.current?.clearDecorations();
    }
  };

  const download = () => {
    const blob = new Blob([logFileText(lines.current)], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${record.name}.log`;
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section className={styles.panel} aria-label="Logs">
      <div className={styles.toolbar}>
        <div className={styles.search}>
          <SearchIcon size={14} />
          <input
            type="search"
            className="input"
            placeholder="Search the output"
            aria-label="Search the logs"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setResults(null);
            }}
            onKeyDown={onSearchKey}
            data-testid="logs-search"
          />
        </div>
        <span className={`${styles.count} numeric`} aria-live="polite">
          {results && query
            ? results.count === 0
              ? 'No match'
              : `${results.index + 1} of ${results.count}`
            : ''}
        </span>
        <button
          type="button"
          className="button button-small button-icon"
          aria-label="Previous match"
          onClick={() => find('previous')}
          disabled={!query}
        >
          <ChevronUpIcon size={14} />
        </button>
        <button
          type="button"
          className="button button-small button-icon"
          aria-label="Next match"
          onClick={() => find('next')}
          disabled={!query}
        >
          <ChevronDownIcon size={14} />
        </button>
        <span className={styles.spacer} />
        <label
          className="checkbox"
          title="When the agent read each line. The log file keeps no times, so lines from before this page opened show none."
        >
          <input
            type="checkbox"
            checked={timestamps}
            onChange={(event) => {
              setTimestamps(event.target.checked);
              redraw(event.target.checked);
            }}
          />
          Arrival times
        </label>
        <label className={styles.tail}>
          <span>Last</span>
          <select
            className="select"
            value={tail}
            onChange={(event) => setTail(Number(event.target.value))}
            aria-label="Lines to load"
          >
            {tailChoices.map((choice) => (
              <option key={choice} value={choice}>
                {choice.toLocaleString()} lines
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-small"
          aria-pressed={follow}
          onClick={() => {
            setFollow(true);
            terminal.current?.scrollToBottom();
          }}
          data-testid="logs-follow"
        >
          <ArrowDownToLineIcon size={14} />
          {follow ? 'Following' : 'Follow'}
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={download}
          disabled={lineCount === 0}
          data-testid="logs-download"
        >
          <DownloadIcon size={14} /> Download
        </button>
      </div>
      {subscription.status === 'error' ? (
        <Banner tone="danger" title="The log stream stopped">
          {errorMessage(subscription.error)}
        </Banner>
      ) : null}
      <div className={styles.viewer}>
        <div ref={host} className={styles.screen} data-testid="logs-view" />
        {lineCount === 0 ? (
          <div className={styles.empty}>
            {record.state.status === 'running'
              ? 'No output yet. New lines appear here as the container writes them.'
              : 'This container wrote nothing to stdout or stderr.'}
          </div>
        ) : null}
      </div>
    </section>
  );
}
