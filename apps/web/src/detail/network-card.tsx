'use client';

import { type ContainerRecord, formatPublishedPort, type PublishedPort } from '@cove/shared';
import { Fact } from './fact';
import styles from './overview-panel.module.css';

/**
 * Where the container is on the network: its mode, and while it runs on the bridge its
 * address, MAC, gateway and published ports. A TCP port is a link, since most are web
 * servers; the same facts `cove inspect` and `cove port` print.
 */
export function NetworkCard({ record }: { record: ContainerRecord }) {
  const active = record.state.status === 'running' || record.state.status === 'paused';
  const network = active ? record.network : undefined;
  const mode = network?.mode ?? record.spec.network ?? 'bridge';

  return (
    <section className="card" data-testid="network-card">
      <div className="card-header">
        <h2>Network</h2>
      </div>
      <dl className={styles.list}>
        <Fact term="Mode">
          <span className="mono" data-testid="network-mode">
            {mode}
          </span>
        </Fact>
        {network?.address ? (
          <>
            <Fact term="Address">
              <span className="mono" data-testid="network-address">
                {network.address}/{network.prefixLength}
              </span>
            </Fact>
            <Fact term="MAC">
              <span className="mono">{network.mac}</span>
            </Fact>
            <Fact term="Gateway">
              <span className="mono">
                {network.gateway} ({network.bridge})
              </span>
            </Fact>
          </>
        ) : null}
        <Fact term="Ports">
          {network && network.ports.length > 0 ? (
            <ul className={styles.values}>
              {network.ports.map((published) => (
                <li
                  key={`${published.hostIp}:${published.hostPort}/${published.protocol}`}
                  className="mono"
                >
                  <PortLink published={published} />
                </li>
              ))}
            </ul>
          ) : active ? (
            'none published'
          ) : (
            <span className="muted">published while it runs</span>
          )}
        </Fact>
      </dl>
    </section>
  );
}

/** A TCP port opens in a new tab, at the host the dashboard itself was reached on. */
function PortLink({ published }: { published: PublishedPort }) {
  const text = formatPublishedPort(published);
  if (published.protocol !== 'tcp') return <>{text}</>;
  const everyAddress = published.hostIp === '0.0.0.0';
  const host =
    everyAddress && typeof window !== 'undefined' ? window.location.hostname : published.hostIp;
  return (
    <a
      href={`http://${host}:${published.hostPort}/`}
      target="_blank"
      rel="noreferrer"
      data-testid="published-port-link"
    >
      {text}
    </a>
  );
}
