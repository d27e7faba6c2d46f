import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ContainerSpecInput } from '@cove/shared';
import { createEngine, type EngineOptions } from '../../src/engine.js';
import { buildBusyboxRootfs, busyboxConfig } from '../../src/image/busybox-image.js';
import { installImage } from '../../src/image/image-store.js';
import { readLogText } from '../../src/logs/read-log.js';
import { type ProbeCall, syscallProbe } from './security-probe.js';

export interface Finished {
  code: number;
  /** stdout and stderr, as the container's log holds them (the order between them is the read order). */
  log: string;
  stdout: string;
  stderr: string;
}

/**
 * An engine over a store of its own, for the security suite: images crafted the way a
 * hostile author would, containers run to their end, and checks that none is left.
 */
export function securityStore(prefix: string, options: Partial<EngineOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), `cove-${prefix}-`));
  // Not about networking: containers get only `lo`, and nothing touches the host's network.
  const engine = createEngine({ root, defaultNetwork: 'none', ...options });

  const collect = async (stream: Readable | null) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream ?? []) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  return {
    root,
    engine,

    /** An image built like busybox, then altered by `tamper`. */
    async craftImage(name: string, tamper: (rootfs: string) => void) {
      await installImage(engine.layout, name, 'latest', busyboxConfig, (rootfs) => {
        buildBusyboxRootfs(rootfs);
        tamper(rootfs);
      });
    },

    /** busybox plus /probes/NAME for each probe: one system call each, see security-probe.ts. */
    installProbes(name: string, probes: Record<string, ProbeCall>, mode = 0o755) {
      return this.craftImage(name, (rootfs) => {
        mkdirSync(join(rootfs, 'probes'));
        for (const [probe, call] of Object.entries(probes)) {
          writeFileSync(join(rootfs, 'probes', probe), syscallProbe(call));
          chmodSync(join(rootfs, 'probes', probe), mode);
        }
      });
    },

    /** Runs a container to its end and removes it. */
    async run(spec: ContainerSpecInput): Promise<Finished> {
      const container = await engine.run({ ...spec, autoRemove: false }, { kind: 'log' });
      const code = await container.exited;
      const path = engine.logPath(container.id);
      const finished = {
        code,
        log: readLogText(path),
        stdout: readLogText(path, 'stdout'),
        stderr: readLogText(path, 'stderr'),
      };
      await engine.remove(container.id);
      return finished;
    },

    /** `sh -c script` in busybox (or `image`), to its end. */
    runSh(script: string, spec: Partial<ContainerSpecInput> = {}): Promise<Finished> {
      return this.run({ image: 'busybox', ...spec, command: ['sh', '-c', script] });
    },

    /** Runs `args` by exec in a running container, to its end: exit code and stdout. */
    async exec(reference: string, args: string[]) {
      const process = await engine.exec(reference, { args });
      process.stdin?.end();
      const [stdout, stderr, code] = await Promise.all([
        collect(process.stdout),
        collect(process.stderr),
        process.exited,
      ]);
      return { code, stdout, stderr };
    },

    /** No mount of the store on the host, no container left in it. */
    assertNothingLeft() {
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
      assert.equal(mounts.includes(root), false, 'no mount of the store is visible on the host');
      const containers = existsSync(engine.layout.containers)
        ? readdirSync(engine.layout.containers)
        : [];
      assert.deepEqual(containers, [], 'no container left in the store');
    },

    cleanup() {
      engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
