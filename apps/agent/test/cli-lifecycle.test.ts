import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { testStore } from './support/cove-cli.js';

const store = testStore();
before(() => store.start());
after(() => {
  store.cove(['rm', '-f', 'cycle']);
  store.assertNothingLeft();
  store.cleanup();
});

const inspect = (name: string) => JSON.parse(store.cove(['inspect', name]).stdout)[0];

test('create, start, exec, stop, restart and kill from the CLI, with the cgroup gone after stop', () => {
  const script = 'trap "echo got-term; exit 3" TERM; echo up; while true; do sleep 0.2; done';
  const created = store.cove([
    'create',
    '--name',
    'cycle',
    '-h',
    'cycle-host',
    'busybox',
    'sh',
    '-c',
    script,
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(inspect('cycle').state.status, 'created');

  assert.equal(store.cove(['start', 'cycle']).code, 0);
  assert.equal(inspect('cycle').state.status, 'running');
  const exec = store.cove(['exec', 'cycle', 'sh', '-c', 'hostname; ps -o pid,args']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(exec.stdout, /^cycle-host\n/);
  assert.match(exec.stdout, /\n\s+1 sh -c trap/, "PID 1 is the container's command");
  assert.equal(
    store.cove(['exec', 'cycle', 'sh', '-c', 'exit 7']).code,
    7,
    "exec returns the command's code",
  );

  const cgroups: string[] = inspect('cycle').cgroupPaths;
  assert.ok(cgroups.every((path) => existsSync(path)));
  assert.equal(store.cove(['stop', '-t', '5', 'cycle']).code, 0);
  assert.equal(inspect('cycle').state.status, 'exited');
  assert.match(store.cove(['logs', 'cycle']).stdout, /up\ngot-term\n/, 'SIGTERM reached the trap');
  for (const path of cgroups)
    assert.equal(existsSync(path), false, `${path} is removed after stop`);

  assert.equal(store.cove(['restart', 'cycle']).code, 0);
  assert.equal(inspect('cycle').state.status, 'running');
  assert.equal(store.cove(['kill', '-s', 'KILL', 'cycle']).code, 0);
  assert.equal(store.cove(['stop', 'cycle']).code, 0);
  assert.equal(inspect('cycle').state.status, 'exited');

  const notRunning = store.cove(['exec', 'cycle', 'true']);
  assert.notEqual(notRunning.code, 0);
  assert.match(notRunning.stderr, /not running/);
});
