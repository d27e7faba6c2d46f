import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { lines, testStore } from './support/cove-cli.js';

const store = testStore();
before(() => store.start());
const { cove, runSh } = store;
after(() => store.cleanup());

describe('cove run: the first real container', () => {
  afterEach(() => store.assertNothingLeft());

  test('the command is PID 1, with its own hostname, processes and mounts', () => {
    const result = runSh('echo $$; hostname; ps -o pid,comm; cat /proc/mounts');
    assert.equal(result.code, 0, result.stderr);
    const [pid, hostname, header, ...rest] = lines(result.stdout);
    assert.equal(pid, '1');
    assert.match(hostname ?? '', /^[0-9a-f]{12}$/);
    assert.match(header ?? '', /PID\s+COMMAND/);
    const processes = rest
      .filter((line) => /^\s*\d+\s/.test(line))
      .map((line) => line.trim().split(/\s+/));
    assert.deepEqual(
      processes.map((p) => p[1]),
      ['sh', 'ps'],
      'only the container processes',
    );
    assert.equal(processes[0]?.[0], '1');
    const mountPoints = rest
      .filter((line) => !/^\s*\d+\s/.test(line))
      .map((line) => line.split(' ')[1]);
    const expected = ['/', '/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys'];
    for (const point of expected) assert.ok(mountPoints.includes(point), `${point} is mounted`);
    const extra = mountPoints.filter((p) => !expected.includes(p ?? ''));
    for (const point of extra)
      assert.match(
        point ?? '',
        /^\/(proc|sys)\//,
        `only masks and read-only paths besides: ${point}`,
      );
  });

  test('the exit code is the container process exit code', () => {
    assert.equal(runSh('exit 7').code, 7);
    assert.equal(cove(['run', '--rm', 'busybox', 'true']).code, 0);
  });

  test('a container killed by a signal exits 128+N', async () => {
    const running = store.coveAsync(['run', '--rm', '--name', 'victim', 'busybox', 'sleep', '100']);
    let pid: number | undefined;
    for (let i = 0; i < 100 && !pid; i++) {
      const inspect = cove(['inspect', 'victim']);
      if (inspect.code === 0) pid = JSON.parse(inspect.stdout)[0].state.pid;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(pid, 'the container started');
    process.kill(pid, 'SIGKILL');
    const [code] = await once(running, 'exit');
    assert.equal(code, 137);
  });

  test('stdin, stdout and stderr stay the user process streams', () => {
    const piped = cove(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'hello through stdin\n' });
    assert.equal(piped.stdout, 'hello through stdin\n');
    const split = runSh('echo to-out; echo to-err >&2');
    assert.equal(split.stdout, 'to-out\n');
    assert.equal(split.stderr, 'to-err\n');
    const noStdin = cove(['run', '--rm', 'busybox', 'cat'], { input: 'ignored\n' });
    assert.equal(noStdin.stdout, '', 'without -i stdin is empty, as with docker');
  });

  test('hostname, /etc/hostname, /etc/hosts and resolv.conf are the container own', () => {
    const result = runSh(
      'hostname; cat /etc/hostname; grep web-1 /etc/hosts; test -f /etc/resolv.conf && echo resolv',
      ['--hostname', 'web-1'],
    );
    assert.deepEqual(lines(result.stdout), ['web-1', 'web-1', '127.0.1.1\tweb-1', 'resolv']);
  });

  test('environment, working directory and user are applied', () => {
    const result = runSh('echo "$GREETING"; pwd; id -u; id -g; echo $PATH', [
      '-e',
      'GREETING=hi there',
      '-w',
      '/srv/app',
      '-u',
      'nobody',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [greeting, cwd, uid, gid, path] = lines(result.stdout);
    assert.equal(greeting, 'hi there');
    assert.equal(cwd, '/srv/app');
    assert.equal(uid, '65534');
    assert.equal(gid, '65534');
    assert.match(path ?? '', /\/usr\/bin/);
    assert.equal(
      cove(['run', '--rm', '-u', '123:456', 'busybox', 'id']).stdout.trim(),
      'uid=123 gid=456 groups=456',
    );
  });

  test('/dev is minimal and works; /sys is read-only; loopback is up', () => {
    const result = runSh(
      'ls /dev; echo x > /dev/null && echo null-ok; head -c 5 /dev/zero | wc -c; readlink /dev/ptmx; touch /sys/x 2>/dev/null || echo sys-ro; ping -c1 -W1 127.0.0.1 >/dev/null && echo lo-up',
    );
    const out = lines(result.stdout);
    assert.deepEqual(out.slice(0, 14), [
      'fd',
      'full',
      'mqueue',
      'null',
      'ptmx',
      'pts',
      'random',
      'shm',
      'stderr',
      'stdin',
      'stdout',
      'tty',
      'urandom',
      'zero',
    ]);
    assert.deepEqual(out.slice(14), ['null-ok', '5', 'pts/ptmx', 'sys-ro', 'lo-up']);
  });

  test("capabilities are Docker's defaults, no_new_privs is set, a non-root user has none", () => {
    const root = cove([
      'run',
      '--rm',
      'busybox',
      'grep',
      '-E',
      '^(CapBnd|CapEff|CapPrm|CapInh|NoNewPrivs)',
      '/proc/self/status',
    ]);
    assert.deepEqual(lines(root.stdout), [
      'CapInh:\t0000000000000000',
      'CapPrm:\t00000000a80425fb',
      'CapEff:\t00000000a80425fb',
      'CapBnd:\t00000000a80425fb',
      'NoNewPrivs:\t1',
    ]);
    const nobody = cove([
      'run',
      '--rm',
      '-u',
      '65534',
      'busybox',
      'grep',
      '^CapEff',
      '/proc/self/status',
    ]);
    assert.equal(nobody.stdout.trim(), 'CapEff:\t0000000000000000');
  });

  test('masked kernel paths read empty, read-only ones refuse writes', () => {
    const result = runSh(
      'wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo 1 > /proc/sys/vm/drop_caches 2>/dev/null || echo sys-refused; echo h > /proc/sysrq-trigger 2>/dev/null || echo sysrq-refused',
    );
    assert.deepEqual(lines(result.stdout), ['0', '0', 'sys-refused', 'sysrq-refused']);
  });

  test('no host file descriptor reaches the container', () => {
    // The caller holds an extra fd (3) of its own: it must stay outside.
    const result = cove(['run', '--rm', 'busybox', 'sh', '-c', 'ls /proc/1/fd; true'], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    assert.deepEqual(lines(result.stdout), ['0', '1', '2']);
  });

  test("/proc/1/root is the container's root, not the host's", () => {
    const result = runSh('readlink /proc/1/root; ls /proc/1/root/');
    const [link, ...entries] = lines(result.stdout);
    assert.equal(link, '/');
    assert.ok(entries.includes('bin'));
    for (const hostOnly of ['work', 'boot', 'lib64'])
      assert.ok(!entries.includes(hostOnly), `${hostOnly} is a host path`);
  });

  test('the container mounts never appear on the host, even while it runs', () => {
    const id = cove(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '100']).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    try {
      const ps = cove(['ps']);
      assert.match(ps.stdout, /sleeper/);
      assert.match(ps.stdout, /Up since/);
      store.assertNoMounts();
    } finally {
      assert.equal(cove(['rm', '-f', 'sleeper']).code, 0);
    }
  });

  test('a detached container output goes to its log', async () => {
    cove(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'echo hello from the log']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(cove(['logs', 'talker']).stdout, 'hello from the log\n');
    assert.match(cove(['ps', '-a']).stdout, /talker/);
    assert.equal(cove(['rm', 'talker']).code, 0);
  });

  test('without --rm the container is kept as exited, and rm removes it', () => {
    assert.equal(cove(['run', '--name', 'kept', 'busybox', 'sh', '-c', 'exit 3']).code, 3);
    assert.match(cove(['ps', '-a']).stdout, /Exited \(3\).*kept/);
    assert.equal(
      cove(['ps']).stdout.includes('kept'),
      false,
      'ps without -a shows running ones only',
    );
    store.assertNothingLeft({ containersKept: 1 });
    assert.equal(cove(['rm', 'kept']).code, 0);
    assert.equal(
      cove(['run', '--rm', '--name', 'kept', 'busybox', 'true']).code,
      0,
      'the name is free again',
    );
  });

  test('a volume is bound read-write or read-only', async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/cove-volume-');
    try {
      writeFileSync(`${dir}/from-host`, 'host says hi\n');
      const rw = cove([
        'run',
        '--rm',
        '-v',
        `${dir}:/data`,
        'busybox',
        'sh',
        '-c',
        'cat /data/from-host; echo written > /data/from-container',
      ]);
      assert.equal(rw.stdout, 'host says hi\n');
      assert.equal(readFileSync(`${dir}/from-container`, 'utf8'), 'written\n');
      const ro = cove(['run', '--rm', '-v', `${dir}:/data:ro`, 'busybox', 'touch', '/data/x']);
      assert.equal(ro.code, 1);
      assert.match(ro.stderr, /Read-only file system/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cove run: bad input gets one clear line, a non-zero exit, and leaves nothing', () => {
  afterEach(() => store.assertNothingLeft());

  test('a missing command exits 127 and names it', () => {
    const result = cove(['run', '--rm', 'busybox', '/bin/bash']);
    assert.equal(result.code, 127);
    assert.equal(
      result.stderr,
      'cove: exec: /bin/bash: no such file or directory in image busybox\n',
    );
    const notInPath = cove(['run', '--rm', 'busybox', 'bash']);
    assert.equal(notInPath.code, 127);
    assert.match(notInPath.stderr, /"bash": executable file not found in \$PATH/);
  });

  test('a binary whose ELF interpreter is missing from the image says so', () => {
    const result = cove([
      'run',
      '--rm',
      '-v',
      '/usr/bin/true:/host-true:ro',
      'busybox',
      '/host-true',
    ]);
    assert.equal(result.code, 127);
    assert.match(
      result.stderr,
      /exec: \/host-true: its ELF interpreter \/lib64\/ld-linux-x86-64.so.2 is not in image busybox/,
    );
  });

  test('a missing image', () => {
    const result = cove(['run', '--rm', 'no-such-image', 'true']);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /^cove: image no-such-image:latest not found/);
  });

  test('an unknown flag', () => {
    const result = cove(['run', '--frobnicate', 'busybox', 'true']);
    assert.equal(result.code, 125);
    assert.equal(result.stderr, 'cove run: unknown flag: --frobnicate (see cove run --help)\n');
  });

  test('a volume whose host path does not exist', () => {
    const result = cove(['run', '--rm', '-v', '/does/not/exist:/data', 'busybox', 'true']);
    assert.equal(result.code, 125);
    assert.equal(result.stderr, 'cove: volume source /does/not/exist does not exist on the host\n');
  });

  test('a malformed volume, a bad hostname, a user not in the image', () => {
    assert.match(
      cove(['run', '--rm', '-v', 'relative/data:/data', 'busybox', 'true']).stderr,
      /"relative\/data" is neither an absolute host path nor a volume name/,
    );
    assert.match(
      cove(['run', '--rm', '--hostname', 'bad_name!', 'busybox', 'true']).stderr,
      /invalid hostname/,
    );
    const ghost = cove(['run', '--rm', '-u', 'ghost', 'busybox', 'true']);
    assert.equal(ghost.code, 125);
    assert.match(ghost.stderr, /user "ghost" not found in \/etc\/passwd of image busybox/);
  });

  test('a name already in use', () => {
    cove(['run', '-d', '--name', 'taken', 'busybox', 'sleep', '100']);
    try {
      const second = cove(['run', '--rm', '--name', 'taken', 'busybox', 'true']);
      assert.equal(second.code, 125);
      assert.match(second.stderr, /the container name "taken" is already in use/);
    } finally {
      cove(['rm', '-f', 'taken']);
    }
  });

  test('a caller who cannot read the agent token is refused, and told why', () => {
    const result = cove(['run', '--rm', 'busybox', 'true'], { uid: 65534, gid: 65534 });
    assert.equal(result.code, 125);
    assert.match(result.stderr, /cannot read the agent's token .*agent\.token: permission denied/);
  });
});
