'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTRPC } from '~/api/trpc';
import { FailedStartsLink } from '~/trace/failed-starts-link';
import { EmptyState } from '~/ui/empty-state';
import { ContainersIcon, PlusIcon, SearchIcon } from '~/ui/icons';
import { LoadFailedBanner } from '~/ui/load-failed-banner';
import { PageHeader } from '~/ui/page-header';
import { useNow } from '~/ui/use-now';
import { ContainerRow } from './container-row';
import styles from './containers-page.module.css';
import { matchesFilter, type StateFilter } from './matches-filter';
import { SelectionBar } from './selection-bar';
import { useLiveStats } from './use-live-stats';

const stateFilters: { value: StateFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'running', label: 'Running' },
  { value: 'stopped', label: 'Stopped' },
];

export function ContainersPage() {
  const trpc = useTRPC();
  // Events refresh the list as things happen; the interval only catches what they miss.
  const list = useQuery(
    trpc.containers.list.queryOptions(undefined, {
      refetchInterval: 15_000,
      placeholderData: keepPreviousData,
    }),
  );
  const live = useLiveStats();
  const now = useNow();
  const [query, setQuery] = useState('');
  const [stateFilter, setStateFilter] = useState<StateFilter>('all');
  const filterField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const focusFilter = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, select, [contenteditable="true"]');
      if (event.key === '/' && !typing && !event.metaKey && !event.ctrlKey) {
        event.preventDefault();
        filterField.current?.focus();
      }
    };
    window.addEventListener('keydown', focusFilter);
    return () => window.removeEventListener('keydown', focusFilter);
  }, []);

  // Newest first, and a row never moves when its state changes.
  const containers = useMemo(
    () =>
      [...(list.data ?? [])].sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt)),
    [list.data],
  );
  const visible = containers.filter((summary) => matchesFilter(summary, query, stateFilter));
  // The selection: only containers that still exist and are shown count.
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const selected = visible.filter((summary) => selectedIds.has(summary.record.id));
  const allSelected = visible.length > 0 && selected.length === visible.length;
  const toggle = (id: string) =>
    setSelectedIds((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const running = containers.filter((summary) => summary.record.state.status === 'running').length;

  return (
    <>
      <PageHeader
        title="Containers"
        subtitle={
          list.data ? (
            <span className="numeric">
              {running} running · {containers.length} in all
            </span>
          ) : (
            '\u00a0'
          )
        }
        actions={
          <>
            <FailedStartsLink />
            <Link href="/create" className="button button-primary">
              <PlusIcon size={16} />
              Create container
            </Link>
          </>
        }
      />

      {list.isError && !list.data ? (
        <LoadFailedBanner
          title="Could not load the containers"
          error={list.error}
          onRetry={() => list.refetch()}
        />
      ) : null}

      <section className="card" aria-label="Containers">
        <div className={styles.toolbar}>
          <div className={styles.search}>
            <SearchIcon size={15} />
            <input
              ref={filterField}
              type="search"
              className="input"
              placeholder="Filter by name, image, id or state"
              aria-label="Filter containers"
              aria-keyshortcuts="/"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              data-testid="containers-filter"
            />
            <kbd>/</kbd>
          </div>
          <fieldset className={styles.segmented}>
            <legend className="sr-only">Show</legend>
            {stateFilters.map((choice) => (
              <label key={choice.value}>
                <input
                  type="radio"
                  name="state-filter"
                  value={choice.value}
                  checked={stateFilter === choice.value}
                  onChange={() => setStateFilter(choice.value)}
                />
                <span>{choice.label}</span>
              </label>
            ))}
          </fieldset>
        </div>
        <SelectionBar
          targets={selected.map(({ record }) => ({
            id: record.id,
            name: record.name,
            running: record.state.status === 'running' || record.state.status === 'paused',
          }))}
          onClear={() => setSelectedIds(new Set())}
        />

        {list.isPending ? (
          <div className={styles.placeholder} aria-busy="true">
            Loading containers…
          </div>
        ) : containers.length === 0 && list.data ? (
          <EmptyState
            icon={<ContainersIcon size={22} />}
            title="No containers yet"
            action={
              <Link href="/create" className="button button-primary">
                <PlusIcon size={16} />
                Create your first container
              </Link>
            }
          >
            A container runs one program from an image, with its own memory and process limits. The
            built-in <code>busybox</code> image works without a network.
          </EmptyState>
        ) : (
          <div className={styles.tableWrap}>
            <table className="table" data-testid="containers-table">
              <colgroup>
                <col style={{ width: '36px' }} />
                <col />
                <col style={{ width: '10%' }} />
                <col style={{ width: '104px' }} />
                <col style={{ width: '120px' }} />
                <col style={{ width: '96px' }} />
                <col style={{ width: '168px' }} />
                <col style={{ width: '76px' }} />
                <col style={{ width: '66px' }} />
                <col style={{ width: '156px' }} />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select every container shown"
                      checked={allSelected}
                      onChange={() =>
                        setSelectedIds(
                          allSelected
                            ? new Set()
                            : new Set(visible.map((summary) => summary.record.id)),
                        )
                      }
                      data-testid="select-all"
                    />
                  </th>
                  <th scope="col">Name</th>
                  <th scope="col">Image</th>
                  <th scope="col">Ports</th>
                  <th scope="col">State</th>
                  <th scope="col">Uptime</th>
                  <th scope="col">
                    Memory <span className={styles.unitHint}>current / limit</span>
                  </th>
                  <th scope="col">PIDs</th>
                  <th scope="col">CPU</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {visible.map((summary) => (
                  <ContainerRow
                    key={summary.record.id}
                    summary={summary}
                    live={live.get(summary.record.id)}
                    now={now}
                    selected={selectedIds.has(summary.record.id)}
                    onToggle={() => toggle(summary.record.id)}
                  />
                ))}
              </tbody>
            </table>
            {visible.length === 0 ? (
              <div className={styles.placeholder}>
                No container matches{query ? ` “${query}”` : ' this filter'}.{' '}
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => {
                    setQuery('');
                    setStateFilter('all');
                  }}
                >
                  Clear filter
                </button>
              </div>
            ) : null}
          </div>
        )}
      </section>
    </>
  );
}
