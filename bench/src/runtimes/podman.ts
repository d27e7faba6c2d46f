import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchCgroupParent } from '../host/bench-cgroups.js';
import { runCommand, timeCommand } from '../measure/timed-spawn.js';

const image = 'localhost/cove-bench-busybox:latest';

/**
 * Podman as it works on these hosts: storage of the bench's own (removed at the end),
 * runc, cgroupfs below the bench's absolute cgroup parent, the file events backend,
 * no network, and rlimits below the hard limits (root here cannot raise them: Podman's
 * defaults fail with "setrlimit: Operation not permitted").
 */
export class Podman {
  private readonly global: string[];

  constructor(private readonly dir: string) {
    this.global = [
      '--root',
      join(dir, 'storage'),
      '--runroot',
      join(dir, 'run'),
      '--tmpdir',
      join(dir, 'tmp'),
      '--storage-driver',
      'overlay',
      '--cgroup-manager',
      'cgroupfs',
      '--events-backend',
      'file',
      '--runtime',
      'runc',
    ];
  }

  async importImage(tarPath: string): Promise<void> {
    await runCommand('podman', [...this.global, 'import', tarPath, image]);
  }

  runRemoved(args: string[]): Promise<number> {
    return timeCommand('podman', [
      ...this.global,
      'run',
      '--rm',
      '--network',
      'none',
      '--cgroup-parent',
      benchCgroupParent,
      '--ulimit',
      'nofile=1024:1024',
      '--ulimit',
      'nproc=1024:1024',
      image,
      ...args,
    ]);
  }

  /** Removes every container and image, unmounts the storage, and deletes it. */
  async cleanup(): Promise<void> {
    await runCommand('podman', [...this.global, 'rm', '--all', '--force']).catch(() => '');
    await runCommand('podman', [...this.global, 'system', 'reset', '--force']).catch(() => '');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
