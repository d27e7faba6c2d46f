import { rmSync } from 'node:fs';
import { runCommand, timeCommand } from '../measure/timed-spawn.js';

/**
 * runc or crun, with a state directory of the bench's own (`--root`) so that listing
 * and deleting at the end touches only the bench's containers.
 */
export class OciRuntime {
  constructor(
    readonly name: 'runc' | 'crun',
    private readonly stateDir: string,
  ) {}

  private args(...rest: string[]): string[] {
    return ['--root', this.stateDir, ...rest];
  }

  /** The arguments of `run`: create, start, wait for the exit, delete. */
  runArgs(id: string, bundle: string): string[] {
    return this.args('run', '--bundle', bundle, id);
  }

  run(id: string, bundle: string): Promise<number> {
    return timeCommand(this.name, this.runArgs(id, bundle));
  }

  /** `run --detach`: returns once the container's process has been started. */
  runDetached(id: string, bundle: string): Promise<number> {
    return timeCommand(this.name, this.args('run', '--detach', '--bundle', bundle, id));
  }

  exec(id: string, args: string[]): Promise<number> {
    return timeCommand(this.name, this.args('exec', id, ...args));
  }

  async remove(id: string): Promise<void> {
    await runCommand(this.name, this.args('delete', '--force', id));
  }

  /** The init's host PID of a running container. */
  async pid(id: string): Promise<number> {
    const state = JSON.parse(await runCommand(this.name, this.args('state', id))) as {
      pid: number;
    };
    return state.pid;
  }

  async list(): Promise<string[]> {
    try {
      const out = await runCommand(this.name, this.args('list', '--quiet'));
      return out.split('\n').filter(Boolean);
    } catch {
      return []; // no state directory yet
    }
  }

  /** Deletes every container in the bench's state directory, then the directory. */
  async cleanup(): Promise<string[]> {
    for (const id of await this.list()) await this.remove(id).catch(() => {});
    const left = await this.list();
    if (left.length === 0) rmSync(this.stateDir, { recursive: true, force: true });
    return left;
  }
}
