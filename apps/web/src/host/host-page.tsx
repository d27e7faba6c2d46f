'use client';

import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTRPC } from '~/api/trpc';
import { formatBytes } from '~/format/format-bytes';
import { CheckIcon } from '~/ui/icons';
import { LoadFailedBanner } from '~/ui/load-failed-banner';
import { PageHeader } from '~/ui/page-header';
import styles from './host-page.module.css';

/** The controllers Cove's limits and graphs need, and what each one gives. */
const neededControllers = [
  { name: 'memory', gives: 'memory limits, the memory graph, OOM marks' },
  { name: 'pids', gives: 'process limits and the pids graph' },
  { name: 'cpu', gives: 'CPU limits and shares' },
];

export function HostPage() {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions(undefined, { staleTime: 30_000 }));

  if (info.isError && !info.data) {
    return (
      <>
        <PageHeader title="Host" />
        <LoadFailedBanner
          title="Could not ask the agent about this host"
          error={info.error}
          onRetry={() => info.refetch()}
        />
      </>
    );
  }

  const data = info.data;
  return (
    <>
      <PageHeader title="Host" subtitle={data ? data.hostname : '\u00a0'} />
      <div className={styles.grid} aria-busy={!data}>
        <section className="card" aria-labelledby="missing-title">
          <div className="card-header">
            <h2 id="missing-title">What this host lacks</h2>
          </div>
          <div className="card-body">
            {!data ? (
              <div className={styles.skeleton} />
            ) : data.missing.length === 0 ? (
              <div className={styles.allGood} data-testid="host-complete">
                <CheckIcon size={18} />
                Nothing: every feature of Cove works here.
              </div>
            ) : (
              <ul className={styles.missing} data-testid="host-missing">
                {data.missing.map((item) => (
                  <li key={item.feature}>
                    <strong>{item.feature}</strong>
                    <span>
                      <span className={styles.fixLabel}>Fix: </span>
                      {item.fix}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </section>

        <section className="card" aria-labelledby="system-title">
          <div className="card-header">
            <h2 id="system-title">System</h2>
          </div>
          <dl className={styles.facts}>
            <Fact term="Kernel" value={data?.kernel} mono />
            <Fact term="Hostname" value={data?.hostname} mono />
            <Fact term="Cove" value={data?.version} />
            <Fact
              term="cgroup"
              value={
                data
                  ? data.cgroup.mode === 'v2'
                    ? 'v2 (unified hierarchy)'
                    : 'v1 (one hierarchy per controller)'
                  : undefined
              }
            />
            <Fact term="Store" value={data?.store.root} mono />
            <Fact term="Store size" value={data ? formatBytes(data.store.bytesUsed) : undefined} />
          </dl>
        </section>

        <section className={`card ${styles.wide}`} aria-labelledby="controllers-title">
          <div className="card-header">
            <h2 id="controllers-title">cgroup controllers</h2>
            <span className="muted">
              {data ? `${data.cgroup.controllers.length} available` : ''}
            </span>
          </div>
          <div className="card-body">
            <ul className={styles.needed}>
              {neededControllers.map((controller) => {
                const present = data?.cgroup.controllers.includes(controller.name);
                return (
                  <li key={controller.name} data-present={data ? String(present) : undefined}>
                    <span className={styles.chip} data-present={data ? String(present) : undefined}>
                      {controller.name}
                    </span>
                    <span className="muted">{controller.gives}</span>
                    <span className={styles.presence}>
                      {!data ? '' : present ? 'available' : 'missing'}
                    </span>
                  </li>
                );
              })}
            </ul>
            {data ? (
              <p className={styles.all}>
                All:{' '}
                {data.cgroup.controllers.map((name) => (
                  <code key={name}>{name}</code>
                ))}
              </p>
            ) : null}
          </div>
        </section>
      </div>
    </>
  );
}

function Fact({ term, value, mono }: { term: string; value: ReactNode; mono?: boolean }) {
  return (
    <div className={styles.fact}>
      <dt>{term}</dt>
      <dd className={mono ? 'mono' : undefined}>{value ?? '\u00a0'}</dd>
    </div>
  );
}
