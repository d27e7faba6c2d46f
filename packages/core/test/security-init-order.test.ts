import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerInit } from '../src/init/container-init.js';
import type { InitSpec } from '../src/init/init-spec.js';
import {
  POLLHUP,
  PR_SET_DUMPABLE,
  PR_SET_NO_NEW_PRIVS,
  PR_SET_PDEATHSIG,
  SIGKILL,
} from '../src/libc/constants.js';
import type { Libc } from '../src/libc/libc.js';
import { confinementFor } from '../src/security/confinement.js';
import { type RecordedCall, recordingLibc } from './support/recording-libc.js';

// The order of a container init's calls, with a recording libc: which protections are
// up before the host is exposed to anything, and what is left when execve runs. No root.

const spec: InitSpec = {
  imageName: 'busybox',
  hostname: 'h',
  network: { kind: 'none' },
  stdio: { kind: 'inherit' },
  rootfs: {
    overlay: {
      lowerDirs: ['/store/img'],
      upperDir: '/store/c/upper',
      workDir: '/store/c/work',
      mountPoint: '/store/c/rootfs',
    },
    volumes: [],
    tmpfs: [],
    devices: [],
    readOnly: false,
  },
  args: ['true'],
  imageEnv: [],
  userEnv: [],
  workdir: '/',
  user: undefined,
  confinement: confinementFor('default'),
};

/** Runs the init to its (recorded, not real) execve and returns the calls it made. */
function initCalls(libc: Libc, calls: RecordedCall[]): RecordedCall[] {
  assert.throws(() => containerInit(libc, spec), /exec/);
  return calls;
}

const isPrctl = (call: RecordedCall, option: number, value?: number) =>
  call.call === 'prctl' &&
  call.args[0] === option &&
  (value === undefined || call.args[1] === value);

test('the init cannot be ptraced, nor its host binary opened through /proc/<pid>/exe, before it execs (CVE-2016-9962, CVE-2019-5736)', () => {
  const fake = recordingLibc();
  const calls = initCalls(fake.libc, fake.calls);
  assert.ok(
    isPrctl(calls[0] as RecordedCall, PR_SET_DUMPABLE, 0),
    'non-dumpable is the first call',
  );
  assert.equal(
    calls.filter((call) => isPrctl(call, PR_SET_DUMPABLE)).length,
    1,
    'nothing makes it dumpable again: only execve does',
  );
});

test('a half-built container dies with its engine: SIGKILL on parent death is armed before any namespace or mount', () => {
  const fake = recordingLibc();
  const calls = initCalls(fake.libc, fake.calls);
  const armed = calls.findIndex((call) => isPrctl(call, PR_SET_PDEATHSIG, SIGKILL));
  const disarmed = calls.findIndex((call) => isPrctl(call, PR_SET_PDEATHSIG, 0));
  assert.ok(armed >= 0 && armed < calls.findIndex((call) => call.call === 'unshare'));
  assert.equal(calls[armed + 1]?.call, 'poll', 'then it checks the engine is still there');
  assert.ok(
    disarmed > calls.findIndex((call) => call.call === 'pivotRoot'),
    'kept until the container is built',
  );
  assert.ok(disarmed < calls.findIndex((call) => call.call === 'execve'), 'dropped before execve');
});

test('an init whose engine is already gone stops before touching anything', () => {
  const fake = recordingLibc();
  const engineGone = new Proxy(fake.libc, {
    get: (target, property) =>
      property === 'poll' ? () => POLLHUP : Reflect.get(target, property),
  });
  assert.throws(
    () => containerInit(engineGone, spec),
    /the engine that was starting this container has gone away/,
  );
  assert.deepEqual(
    fake.calls.map((call) => call.call),
    ['prctl', 'prctl'],
    'no namespace, no mount',
  );
});

test('the seccomp filter is the last call before execve, after limits, no_new_privs, the user switch and a new keyring', () => {
  const fake = recordingLibc();
  const names = initCalls(fake.libc, fake.calls).map((call) => call.call);
  const last = (name: keyof Libc) => names.lastIndexOf(name);
  assert.deepEqual(names.slice(-2), ['seccompSetModeFilter', 'execve']);
  assert.ok(last('setrlimit') < last('capset'));
  assert.ok(
    fake.calls.findIndex((call) => isPrctl(call, PR_SET_NO_NEW_PRIVS, 1)) < last('setresuid'),
  );
  assert.ok(last('setresuid') < last('joinSessionKeyring'), "the keyring is the user's");
  assert.ok(last('closeRange') < last('seccompSetModeFilter'), 'fds are handed over before');
  const [program, flags] = fake.named('seccompSetModeFilter')[0]?.args ?? [];
  assert.ok(Buffer.isBuffer(program) && program.length > 0, 'a program');
  assert.equal(flags, 0);
});

test("a container that cannot get a keyring of its own does not start with the engine's", () => {
  const fake = recordingLibc();
  fake.fail('joinSessionKeyring', 'EACCES');
  assert.throws(() => containerInit(fake.libc, spec), /joining a new session keyring: /);
  assert.equal(fake.named('execve').length, 0);

  const noKeyrings = recordingLibc();
  noKeyrings.fail('joinSessionKeyring', 'ENOSYS');
  initCalls(noKeyrings.libc, noKeyrings.calls);
  assert.equal(noKeyrings.named('execve').length, 1, 'a kernel without keyrings has none to share');
});

test('the open-file limit the engine raised is not handed down: it goes back to 1024', () => {
  const fake = recordingLibc();
  initCalls(fake.libc, fake.calls);
  assert.deepEqual(fake.named('setrlimit')[0]?.args, [7, { soft: 1024n, hard: 20000n }]);
});

test('an unconfined container gets no filter, and still its limits and keyring', () => {
  const fake = recordingLibc();
  assert.throws(() =>
    containerInit(fake.libc, { ...spec, confinement: confinementFor('unconfined') }),
  );
  assert.equal(fake.named('seccompSetModeFilter').length, 0);
  assert.equal(fake.named('setrlimit').length, 1);
  assert.equal(fake.named('joinSessionKeyring').length, 1);
});
