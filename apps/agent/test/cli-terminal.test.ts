import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testStore } from './support/cove-cli.js';

const store = testStore();
before(() => store.start());
after(() => store.cleanup());

const coveBin = fileURLToPath(new URL('../../bin/cove.js', import.meta.url));

/**
 * `cove ARGS` on a real terminal: script(1) gives it a PTY, as a person's terminal
 * would, and relays what is typed. Returns a way to type, to wait for the screen to
 * show something, and the exit code.
 */
function onTerminal(args: string[]) {
  const command = [process.execPath, coveBin, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, COVE_ROOT: store.root, COVE_URL: store.agent.url },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    type: (text: string) => child.stdin.write(text),
    get screen() {
      return screen;
    },
    async waitFor(pattern: RegExp, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(screen)) {
        assert.ok(
          Date.now() < deadline,
          `the terminal never showed ${pattern}; it shows:\n${screen}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async exitCode(timeoutMs = 15_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
        child.stdin.end();
      }
    },
  };
}

test('cove run -it: a shell on a real terminal, Ctrl-C reaches its foreground job, the exit code is the shell’s', async () => {
  const terminal = onTerminal(['run', '--rm', '-it', 'busybox', 'sh']);
  await terminal.waitFor(/\/ # /);
  terminal.type('echo typed-$((6*7)); [ -t 0 ] && echo stdin-is-a-terminal; tty\r');
  // The terminal is one of the container's own devpts, so it has a name there.
  await terminal.waitFor(/typed-42\s+stdin-is-a-terminal\s+\/dev\/pts\/0\s/);
  terminal.type('sleep 100\r');
  await terminal.waitFor(/sleep 100\s/);
  await new Promise((resolve) => setTimeout(resolve, 300)); // sleep is the foreground job
  terminal.type('\x03');
  terminal.type('echo "after ctrl-c: $?"\r');
  await terminal.waitFor(/after ctrl-c: 130/);
  terminal.type('stty size\r');
  await terminal.waitFor(/\n[1-9]\d* [1-9]\d*\s/); // the size the CLI sent, not 0 0
  terminal.type('exit 9\r');
  assert.equal(await terminal.exitCode(), 9, terminal.screen);
  assert.equal(store.cove(['ps', '-aq']).stdout, '', 'the --rm container is gone');
});

test('cove exec -it: a terminal in a running container, as another user', async () => {
  assert.equal(store.cove(['run', '-d', '--name', 'held', 'busybox', 'sleep', '300']).code, 0);
  try {
    const terminal = onTerminal(['exec', '-it', '-u', 'nobody', 'held', 'sh']);
    await terminal.waitFor(/\$ /);
    terminal.type('id -u\r');
    await terminal.waitFor(/\n65534\s/);
    terminal.type('exit 4\r');
    assert.equal(await terminal.exitCode(), 4, terminal.screen);
  } finally {
    store.cove(['rm', '-f', 'held']);
  }
  store.assertNothingLeft();
});
