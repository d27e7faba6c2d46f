'use client';

import type { NetworkSummary } from '@cove/shared';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/api/trpc';
import styles from './create-form.module.css';
import { Field } from './field';
import type { CreateFormValues, SectionProps } from './form-values';
import { fieldsOfChoice, networkChoice, userNetworkChoice } from './network-choice';
import { PortsEditor } from './ports-editor';

const modeHints: Record<Exclude<CreateFormValues['network'], 'user'>, string> = {
  bridge: 'An address on Cove’s bridge, the internet through NAT, and ports you publish.',
  none: 'Only lo: nothing goes in or out.',
  host: 'The host’s own interfaces and ports.',
  container: 'Shares another running container’s network, as a pod does.',
};

function userNetworkHint(network: NetworkSummary | undefined): string {
  const where = network?.subnet
    ? ` (${network.subnet}${network.internal ? ', internal' : ''})`
    : '';
  return `A bridge of its own${where}: the containers on it find each other by name.`;
}

/**
 * `--network`, its aliases and address, and `-p` in the create form: where the
 * container is, what it is called there, and what reaches it.
 */
export function NetworkSection({ values, set, text, errorFor, touch }: SectionProps) {
  const trpc = useTRPC();
  const networks = useQuery(trpc.networks.list.queryOptions());
  const userNetworks = (networks.data ?? []).filter((network) => network.userDefined);
  const names = userNetworks.map((network) => network.name);
  // The chosen network stays an option while the list loads, or if it went meanwhile.
  if (values.network === 'user' && !names.includes(values.userNetwork)) {
    names.push(values.userNetwork);
  }
  const hint =
    values.network === 'user'
      ? userNetworkHint(userNetworks.find((network) => network.name === values.userNetwork))
      : modeHints[values.network];
  const choose = (choice: string) => {
    const fields = fieldsOfChoice(choice);
    set('network', fields.network);
    set('userNetwork', fields.userNetwork);
  };

  return (
    <section className="card" aria-labelledby="section-network">
      <div className="card-header">
        <h2 id="section-network">Network</h2>
      </div>
      <div className={styles.grid}>
        <Field id="network" label="Network" hint={hint}>
          {(described) => (
            <select
              {...described}
              className="select"
              value={networkChoice(values)}
              onChange={(event) => choose(event.target.value)}
              data-testid="create-network"
            >
              <option value="bridge">Bridge (default)</option>
              <option value="none">None</option>
              <option value="host">Host</option>
              <option value="container">Another container’s</option>
              {names.length > 0 ? (
                <optgroup label="User-defined networks">
                  {names.map((name) => (
                    <option key={name} value={userNetworkChoice(name)}>
                      {name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          )}
        </Field>
        {values.network === 'container' ? (
          <Field
            id="networkContainer"
            label="Container"
            hint="Its name or id; it must be running."
            error={errorFor('networkContainer')}
          >
            {(described) => (
              <input
                {...described}
                {...text('networkContainer')}
                className="input mono"
                placeholder="web"
                autoComplete="off"
                spellCheck={false}
                data-testid="create-network-container"
              />
            )}
          </Field>
        ) : values.network === 'user' ? (
          <Field
            id="networkIp"
            label="IP address"
            hint="Optional: a free address of its subnet otherwise."
            error={errorFor('networkIp')}
          >
            {(described) => (
              <input
                {...described}
                {...text('networkIp')}
                className="input mono"
                placeholder="10.89.5.20"
                autoComplete="off"
                spellCheck={false}
                data-testid="create-network-ip"
              />
            )}
          </Field>
        ) : (
          <div />
        )}
        {values.network === 'user' ? (
          <Field
            id="networkAliases"
            label="Aliases"
            wide
            hint={`More names it answers to on ${values.userNetwork}, separated by commas or spaces.`}
            error={errorFor('networkAliases')}
          >
            {(described) => (
              <input
                {...described}
                {...text('networkAliases')}
                className="input mono"
                placeholder="api, www"
                autoComplete="off"
                spellCheck={false}
                data-testid="create-network-aliases"
              />
            )}
          </Field>
        ) : null}
        {values.network === 'host' ? (
          <p className={`${styles.warning} ${styles.wide}`} role="note" data-testid="host-warning">
            The container sees and binds the host’s interfaces, and anything in it can talk to
            services the host keeps on 127.0.0.1. Use it only for software you trust.
          </p>
        ) : null}
        {values.network === 'bridge' || values.network === 'user' ? (
          <>
            <PortsEditor
              rows={values.ports}
              onChange={(rows) => set('ports', rows)}
              onBlur={() => touch('ports')}
              error={errorFor('ports')}
            />
            <div className={`${styles.switches} ${styles.wide}`}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={values.publishAll}
                  onChange={(event) => set('publishAll', event.target.checked)}
                  data-testid="create-publish-all"
                />
                Publish every port the image exposes, each on a free host port (<code>-P</code>)
              </label>
            </div>
          </>
        ) : null}
      </div>
    </section>
  );
}
