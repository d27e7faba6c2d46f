'use client';

import styles from './create-form.module.css';
import { Field } from './field';
import type { CreateFormValues, SectionProps } from './form-values';
import { PortsEditor } from './ports-editor';

const modeHints: Record<CreateFormValues['network'], string> = {
  bridge: 'An address on Cove’s bridge, the internet through NAT, and ports you publish.',
  none: 'Only lo: nothing goes in or out.',
  host: 'The host’s own interfaces and ports.',
  container: 'Shares another running container’s network, as a pod does.',
};

/** `--network` and `-p` in the create form: where the container is, and what reaches it. */
export function NetworkSection({ values, set, text, errorFor, touch }: SectionProps) {
  return (
    <section className="card" aria-labelledby="section-network">
      <div className="card-header">
        <h2 id="section-network">Network</h2>
      </div>
      <div className={styles.grid}>
        <Field id="network" label="Network" hint={modeHints[values.network]}>
          {(described) => (
            <select
              {...described}
              className="select"
              value={values.network}
              onChange={(event) =>
                set('network', event.target.value as CreateFormValues['network'])
              }
              data-testid="create-network"
            >
              <option value="bridge">Bridge (default)</option>
              <option value="none">None</option>
              <option value="host">Host</option>
              <option value="container">Another container’s</option>
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
        ) : (
          <div />
        )}
        {values.network === 'host' ? (
          <p className={`${styles.warning} ${styles.wide}`} role="note" data-testid="host-warning">
            The container sees and binds the host’s interfaces, and anything in it can talk to
            services the host keeps on 127.0.0.1. Use it only for software you trust.
          </p>
        ) : null}
        {values.network === 'bridge' ? (
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
