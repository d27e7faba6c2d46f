import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, readSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { koffiLibc } from '../src/libc/koffi-libc.js';
import { securityStore } from './support/security-containers.js';

// An exec with a terminal gets a PTY of the container's own devpts, so inside the
// container it has a name, as on any machine.
const store = securityStore('exec-terminal');
let container = '';
before(async () => {
  await store.craftImage('busybox', () => {});
  container = (
    await store.engine.run({ image: 'busybox', command: ['sleep', '600'] }, { kind: 'log' })
  ).id;
});
after(async () => {
  await store.engine.remove(container, { force: true });
  store.assertNothingLeft();
  store.cleanup();
});

/** Everything the process wrote to its terminal, once it has ended. */
async function screenOf(args: string[]): Promise<string> {
  const process = await store.engine.exec(container, { args, terminal: { cols: 100, rows: 30 } });
  assert.equal(await process.exited, 0);
  const master = process.terminal ?? -1;
  const buffer = Buffer.alloc(64 * 1024);
  try {
    return buffer.subarray(0, readSync(master, buffer)).toString('utf8');
  } catch (error) {
    // EIO: the slave is closed and nothing was written.
    if ((error as NodeJS.ErrnoException).code === 'EIO') return '';
    throw error;
  } finally {
    koffiLibc.close(master);
  }
}

test("tty names the container's own /dev/pts entry, and the size is the one asked for", async () => {
  const screen = await screenOf(['sh', '-c', 'tty; stty size; test -c "$(tty)" && echo device']);
  assert.deepEqual(screen.split('\r\n').slice(0, 3), ['/dev/pts/0', '30 100', 'device']);
});

test('the engine keeps no fd of the terminal once the caller closed the master', async () => {
  await screenOf(['true']);
  const terminals = readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return /^\/dev\/pts\/|ptmx/.test(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      return false; // the directory's own fd, gone by now
    }
  });
  assert.deepEqual(terminals, [], 'the slave the engine opened for the shim is closed');
});

test('a container started with a terminal (run -t) gets one of its own devpts too', async () => {
  const running = await store.engine.run(
    { image: 'busybox', command: ['sh', '-c', 'tty; stty size; test -c "$(tty)" && echo device'] },
    { kind: 'terminal', cols: 90, rows: 20 },
  );
  const master = running.terminal ?? -1;
  try {
    assert.equal(await running.exited, 0);
    const buffer = Buffer.alloc(64 * 1024);
    const screen = buffer.subarray(0, readSync(master, buffer)).toString('utf8');
    assert.deepEqual(screen.split('\r\n').slice(0, 3), ['/dev/pts/0', '20 90', 'device']);
  } finally {
    koffiLibc.close(master);
    await store.engine.remove(running.id, { force: true });
  }
});
