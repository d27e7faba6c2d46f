import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { testStore } from './support/cove-cli.js';

const store = testStore();
before(() => store.start());
after(() => {
  store.cove(['rm', '-f', 'cycle']);
  store.assertNothingLeft();
  return store.cleanup();
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

test('logs: stdout to stdout and stderr to stderr, with -t times, --since, -n, and -f ending with the container', async () => {
  const before = Date.now();
  const script = 'echo one; echo warn >&2; sleep 1.5; echo two; echo late-warn >&2';
  assert.equal(
    store.cove(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', script]).code,
    0,
  );
  try {
    // -f follows until the container stops, then ends by itself.
    const followed = store.cove(['logs', '-f', 'talker']);
    assert.equal(followed.code, 0);
    assert.equal(followed.stdout, 'one\ntwo\n');
    assert.equal(followed.stderr, 'warn\nlate-warn\n');

    const stamped = store.cove(['logs', '-t', 'talker']).stdout.trim().split('\n');
    const times = stamped.map((line) => Date.parse(line.split(' ')[0] ?? ''));
    for (const time of times) assert.ok(time >= before - 1000 && time <= Date.now(), `${stamped}`);
    assert.ok((times[1] ?? 0) - (times[0] ?? 0) >= 1000, 'the times are when the lines came');

    const since = new Date((times[0] ?? 0) + 700).toISOString();
    const later = store.cove(['logs', '--since', since, 'talker']);
    assert.equal(later.stdout, 'two\n', `--since ${since}`);
    assert.equal(later.stderr, 'late-warn\n');
    // -n counts lines of both streams, as docker logs --tail does.
    const lastTwo = store.cove(['logs', '-n', '2', 'talker']);
    assert.equal(lastTwo.stdout, 'two\n');
    assert.equal(lastTwo.stderr, 'late-warn\n');
    assert.equal(store.cove(['logs', '--since', '1h', 'talker']).stdout, 'one\ntwo\n');
    assert.match(
      store.cove(['logs', '--since', 'yesterday-ish', 'talker']).stderr,
      /--since takes/,
    );
  } finally {
    store.cove(['rm', '-f', 'talker']);
  }
});

test('--root is taken after the command too: cove ps --root DIR finds the agent by that store', () => {
  const withoutRootEnv = { ...process.env, COVE_ROOT: '/nonexistent-cove-store' };
  const listed = store.cove(['ps', '--root', store.root, '-a'], { env: withoutRootEnv });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^CONTAINER ID/);
  const before = store.cove(['--root', store.root, 'ps'], { env: withoutRootEnv });
  assert.equal(before.code, 0, before.stderr);
});
