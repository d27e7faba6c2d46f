import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { CoveError } from '@cove/core';

/**
 * The stdin of each process started with its input attached, under an id that only
 * its starter learns (a random one, not the container's: knowing a container's name
 * must not be enough to type into a process someone else is attached to).
 */
export function createStdinRegistry() {
  const inputs = new Map<string, Writable>();
  return {
    add(stdin: Writable): string {
      const id = randomBytes(16).toString('hex');
      inputs.set(id, stdin);
      stdin.once('close', () => inputs.delete(id));
      return id;
    },
    remove(id: string): void {
      inputs.get(id)?.end();
      inputs.delete(id);
    },
    /** Resolves once the bytes are handed to the pipe: the caller sends the next after. */
    async write(id: string, data: Buffer, end: boolean): Promise<void> {
      const stdin = inputs.get(id);
      if (!stdin) throw new CoveError(`no process is reading stdin ${id}: it has ended`);
      if (data.length) {
        await new Promise<void>((resolve, reject) =>
          stdin.write(data, (error) =>
            error ? reject(new CoveError('the process stopped reading its input')) : resolve(),
          ),
        );
      }
      if (end) this.remove(id);
    },
  };
}
export type StdinRegistry = ReturnType<typeof createStdinRegistry>;
