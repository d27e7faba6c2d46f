'use client';

import { type ContainerRecord, DEFAULT_CAPABILITIES } from '@cove/shared';
import { Fact } from './fact';
import styles from './overview-panel.module.css';

const shortName = (capability: string) => capability.replace(/^CAP_/, '');

/**
 * What confines the container beyond its namespaces: the capabilities its root holds
 * (those added to Docker's default set are marked), the root filesystem, extra mounts
 * and devices, seccomp and the OOM score. The same facts `cove inspect` prints.
 */
export function SecurityCard({ record }: { record: ContainerRecord }) {
  const { spec } = record;
  const capabilities = record.capabilities ?? [...DEFAULT_CAPABILITIES];
  const dropped = DEFAULT_CAPABILITIES.filter((name) => !capabilities.includes(name));
  const seccomp =
    spec.seccomp === 'default'
      ? 'default profile'
      : spec.seccomp === 'unconfined'
        ? 'unconfined'
        : 'custom profile';

  return (
    <section className="card" data-testid="security-card">
      <div className="card-header">
        <h2>Security</h2>
      </div>
      <dl className={styles.list}>
        <Fact term="Capabilities">
          {capabilities.length === 0 ? (
            <span data-testid="capabilities">none</span>
          ) : (
            <span className={`mono ${styles.wrap}`} data-testid="capabilities">
              {capabilities
                .map((name) =>
                  DEFAULT_CAPABILITIES.includes(name) ? shortName(name) : `+${shortName(name)}`,
                )
                .join(' ')}
            </span>
          )}
        </Fact>
        {dropped.length > 0 ? (
          <Fact term="Dropped">
            <span className={`mono ${styles.wrap}`} data-testid="capabilities-dropped">
              {dropped.map(shortName).join(' ')}
            </span>
          </Fact>
        ) : null}
        <Fact term="Root fs">
          <span data-testid="root-filesystem">{spec.readOnly ? 'read-only' : 'writable'}</span>
        </Fact>
        {spec.tmpfs.length > 0 ? (
          <Fact term="tmpfs">
            <ul className={styles.values}>
              {spec.tmpfs.map((mount) => (
                <li key={mount.target} className="mono">
                  {mount.target}
                  {mount.options.length ? ` (${mount.options.join(',')})` : ''}
                </li>
              ))}
            </ul>
          </Fact>
        ) : null}
        {spec.devices.length > 0 ? (
          <Fact term="Devices">
            <ul className={styles.values}>
              {spec.devices.map((device) => (
                <li key={device.containerPath} className="mono">
                  {device.hostPath} → {device.containerPath} ({device.permissions})
                </li>
              ))}
            </ul>
          </Fact>
        ) : null}
        <Fact term="Seccomp">{seccomp}</Fact>
        <Fact term="OOM score">{spec.oomScoreAdj ?? 0}</Fact>
      </dl>
    </section>
  );
}
