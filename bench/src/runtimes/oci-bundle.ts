import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCgroupParent } from '../host/bench-cgroups.js';

interface RuntimeSpec {
  process: { terminal: boolean; args: string[] };
  root: { path: string; readonly: boolean };
  hostname?: string;
  linux: {
    cgroupsPath?: string;
    namespaces: Array<{ type: string }>;
  };
}

/**
 * An OCI bundle for runc or crun: the runtime's own default spec (`runc spec`), with
 * the shared rootfs, no terminal, the command, a cgroup below the bench parent, and the
 * same namespaces Cove gives a container (mount, UTS, IPC, network, cgroup, PID). The
 * cgroup is named after the bundle, so each bundle serves one runtime and one container
 * at a time.
 */
export function makeBundle(dir: string, rootfs: string, args: string[]): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('runc', ['spec', '--bundle', dir]);
  const path = join(dir, 'config.json');
  const spec = JSON.parse(readFileSync(path, 'utf8')) as RuntimeSpec;
  spec.process.terminal = false;
  spec.process.args = args;
  spec.root = { path: rootfs, readonly: false };
  spec.linux.cgroupsPath = `${benchCgroupParent}/${dir.split('/').at(-1)}`;
  if (!spec.linux.namespaces.some((n) => n.type === 'cgroup')) {
    spec.linux.namespaces.push({ type: 'cgroup' });
  }
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return dir;
}
