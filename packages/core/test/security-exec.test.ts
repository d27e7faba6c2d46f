import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, afterEach, before, describe, test } from 'node:test';
import { O_DIRECTORY, O_RDONLY } from '../src/libc/constants.js';
import { koffiLibc } from '../src/libc/koffi-libc.js';
import { securityStore } from './support/security-containers.js';

// A process exec'd into a running container goes through an exec shim: a Node process,
// the host's own binary, that enters the container's namespaces and drops privileges.
// The attacks of CVE-2019-5736 and CVE-2016-9962 were made on exactly that kind of
// process, from inside the container. The shim must be out of reach, and the process
// it starts must be confined like the container's own.

const store = securityStore('security-exec');
// A host directory the engine holds without close-on-exec: every shim it spawns inherits it.
const leaked = koffiLibc.open(tmpdir(), O_RDONLY | O_DIRECTORY);
let container = '';
let stopContainer = async () => {};

before(async () => {
  const running = await store.engine.run(
    { image: 'busybox', command: ['sleep', '600'], autoRemove: false },
    { kind: 'log' },
  );
  container = running.id;
  stopContainer = async () => {
    process.kill(running.pid, 'SIGKILL');
    await running.exited;
  };
});
afterEach(async () => {
  const record = store.engine.inspect(container);
  assert.equal(record.state.status, 'running', 'the container is still up');
});
after(async () => {
  await stopContainer();
  await store.engine.remove(container);
  store.assertNothingLeft();
  store.cleanup();
  koffiLibc.close(leaked);
});

/** Run by the peer: drop to the container's privileges, then readlink each pid's exe. */
const peerProbe = `
  import { readlinkSync } from 'node:fs';
  import { koffiLibc } from ${JSON.stringify(new URL('../src/libc/koffi-libc.js', import.meta.url).href)};
  import { dropPrivileges } from ${JSON.stringify(new URL('../src/process/drop-privileges.js', import.meta.url).href)};
  dropPrivileges(koffiLibc, { uid: 0, gid: 0, groups: [], home: '/' });
  for (const pid of process.argv.slice(1)) {
    try {
      console.log('read ' + readlinkSync('/proc/' + pid + '/exe'));
    } catch (error) {
      console.log('refused ' + error.code);
    }
  }
`;

describe('exec into a running container', () => {
  test('the shim, the host binary that enters the container, cannot be reached through /proc (CVE-2019-5736, CVE-2016-9962)', async () => {
    const { code, stdout } = await store.exec(container, [
      'sh',
      '-c',
      'grep ^PPid /proc/$$/status; for p in /proc/[0-9]*; do readlink $p/exe; done; true',
    ]);
    assert.equal(code, 0);
    const [parent, ...executables] = stdout.trim().split('\n');
    // The shim stays in the host PID namespace: the process sees no parent at all, so
    // there is no /proc/<pid> of it to open, ptrace or write through.
    assert.equal(parent, 'PPid:\t0');
    assert.ok(executables.length >= 2, 'the sleep and this shell');
    for (const exe of executables) {
      assert.equal(exe, '/bin/busybox', 'every process inside runs a binary of the image');
    }
  });

  test('the shim is not dumpable: a peer with its uid and capabilities reads the program but not the shim (CVE-2016-9962)', async () => {
    const exec = await store.engine.exec(container, { args: ['sleep', '30'] });
    try {
      const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
      const field = (pid: number, name: string) =>
        new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(status(pid))?.[1];
      const shimPid = Number(field(exec.pid, 'PPid'));
      // The shim and its program hold the same uid and capabilities, so only the shim's
      // dumpable flag can tell them apart to the kernel's ptrace_may_access().
      assert.equal(field(shimPid, 'CapPrm'), field(exec.pid, 'CapPrm'));
      assert.equal(field(shimPid, 'Uid'), field(exec.pid, 'Uid'));
      // The peer: this host's node, dropped to the container's user, capabilities and filter.
      const probe = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', peerProbe, String(exec.pid), String(shimPid)],
        { encoding: 'utf8' },
      );
      assert.equal(probe.status, 0, probe.stderr);
      const [program, shim] = probe.stdout.trim().split('\n');
      assert.match(program ?? '', /^read .*busybox/, 'the peer can read a dumpable process');
      assert.equal(shim, 'refused EACCES', 'the shim is out of its reach');
    } finally {
      process.kill(exec.pid, 'SIGKILL');
      await exec.exited;
    }
  });

  test('the exec process holds no fd of the shim or the engine', async () => {
    const { stdout } = await store.exec(container, ['sh', '-c', 'ls /proc/$$/fd; true']);
    assert.deepEqual(stdout.trim().split('\n'), ['0', '1', '2']);
  });

  test('the exec process is confined like the container: capabilities, no_new_privs, seccomp, limits', async () => {
    const { stdout } = await store.exec(container, [
      'sh',
      '-c',
      'grep -E "^(CapInh|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status; ulimit -n; unshare -U true || echo unshare-refused',
    ]);
    assert.deepEqual(stdout.trim().split('\n'), [
      'CapInh:\t0000000000000000',
      'CapEff:\t00000000a80425fb',
      'CapBnd:\t00000000a80425fb',
      'CapAmb:\t0000000000000000',
      'NoNewPrivs:\t1',
      'Seccomp:\t2',
      '1024',
      'unshare-refused',
    ]);
  });

  test('the working directory of an exec cannot be a host fd either (CVE-2024-21626)', async () => {
    // The shim stays outside the container's PID namespace, so from the container's /proc
    // its fds have no path at all; and a path that did resolve outside the root would be
    // refused by the getcwd check. Either way, no process may start there.
    for (let fd = 3; fd <= leaked + 2; fd++) {
      const outcome = await store.engine
        .exec(container, { args: ['pwd'], workdir: `/proc/self/fd/${fd}` })
        .catch((error: Error) => error);
      assert.ok(outcome instanceof Error, `fd ${fd}: an exec started with a host fd as its cwd`);
      assert.match(outcome.message, /working directory/);
    }
  });
});
