import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchCgroupParent } from '../host/bench-cgroups.js';
import { runCommand, timeCommand } from '../measure/timed-spawn.js';

export const podmanBusybox = 'localhost/cove-bench-busybox:latest';
const image = podmanBusybox;

/**
 * Podman as it works on these hosts: storage of the bench's own (removed at the end),
 * runc, cgroupfs below the bench's absolute cgroup parent, the file events backend,
 * no network unless asked, and rlimits below the hard limits (root here cannot raise them: Podman's
 * defaults fail with "setrlimit: Operation not permitted").
 */
export class Podman {
  private readonly global: string[];
  private readonly imported = new Set<string>();

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

  /** `podman import` of a rootfs tar, once per image name. */
  async importImage(tarPath: string, name = image): Promise<void> {
    if (this.imported.has(name)) return;
    await runCommand('podman', [...this.global, 'import', tarPath, name]);
    this.imported.add(name);
  }

  /**
   * A bridge network of the bench's own, on a subnet apart from Cove's 10.88.0.0/16 (the
   * default podman network would take the same one), without aardvark-dns (a daemon the
   * bench would have to end).
   */
  async createNetwork(name: string, subnet: string): Promise<void> {
    await runCommand('podman', [
      ...this.global,
      'network',
      'create',
      '--disable-dns',
      '--subnet',
      subnet,
      name,
    ]);
  }

  /** `podman run --rm` to the end, timed; `network` is `none` unless a figure is about it. */
  runRemoved(args: string[], { network = 'none', volumes = [] as string[] } = {}): Promise<number> {
    return timeCommand('podman', [
      ...this.global,
      'run',
      '--rm',
      '--network',
      network,
      ...volumes.flatMap((volume) => ['-v', volume]),
      '--cgroup-parent',
      benchCgroupParent,
      '--ulimit',
      'nofile=1024:1024',
      '--ulimit',
      'nproc=1024:1024',
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
