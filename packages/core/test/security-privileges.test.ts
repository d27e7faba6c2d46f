import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { RLIMIT_NOFILE } from '../src/libc/constants.js';
import { koffiLibc } from '../src/libc/koffi-libc.js';
import { securityStore } from './support/security-containers.js';
import { ENOKEY, EPERM, syscallProbe } from './support/security-probe.js';

// What a process inside runs with: capabilities, no_new_privs, resource limits, keyring.

const DEFAULT_CAPABILITIES = '00000000a80425fb';
const KEY_SPEC_SESSION_KEYRING = -3;
const KEYCTL_SEARCH = 10;
const PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_RAISE = 2;
const CAP_NET_RAW = 13;

const store = securityStore('security-privileges');
const secret = `cove-secret-${randomBytes(6).toString('hex')}`;

before(async () => {
  await store.installProbes('privilege-probes', {
    'ambient-raise': { nr: 157, args: [PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0] },
    // add_key("user", secret, "s", 1, KEY_SPEC_SESSION_KEYRING), then a search for it.
    'leave-key': { nr: 248, args: ['user', secret, 's', 1, KEY_SPEC_SESSION_KEYRING] },
    'find-key': { nr: 250, args: [KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, 'user', secret, 0] },
  });
  // A setuid-root program that reports its effective uid (its low byte) as exit status.
  await store.craftImage('setuid-image', (rootfs) => {
    const path = join(rootfs, 'bin/whoami-euid');
    writeFileSync(path, syscallProbe({ nr: 107, report: 'value' }));
    chownSync(path, 0, 0);
    chmodSync(path, 0o4755);
  });
});
afterEach(() => store.assertNothingLeft());
after(() => store.cleanup());

const statusLines = (log: string) =>
  Object.fromEntries(
    log
      .trim()
      .split('\n')
      .map((line) => line.split(':\t') as [string, string]),
  );

describe('capabilities', () => {
  test('no capability can be passed on through the inheritable or ambient sets (CVE-2022-29162)', async () => {
    const { log } = await store.runSh('grep -E "^(Cap|NoNewPrivs)" /proc/self/status', {
      image: 'privilege-probes',
    });
    assert.deepEqual(statusLines(log), {
      CapInh: '0000000000000000',
      CapPrm: DEFAULT_CAPABILITIES,
      CapEff: DEFAULT_CAPABILITIES,
      CapBnd: DEFAULT_CAPABILITIES,
      CapAmb: '0000000000000000',
      NoNewPrivs: '1',
    });
    const raise = await store.run({
      image: 'privilege-probes',
      command: ['/probes/ambient-raise'],
    });
    assert.equal(raise.code, EPERM, 'an ambient capability needs it inheritable first');
  });

  test('a non-root user keeps no capability in any set after exec', async () => {
    const { log } = await store.runSh('grep -E "^Cap(Inh|Prm|Eff|Amb)" /proc/self/status', {
      user: '1000',
    });
    assert.deepEqual(Object.values(statusLines(log)), Array(4).fill('0000000000000000'));
  });

  test('a setuid-root binary in the image gains nothing (no_new_privs)', async () => {
    const { code } = await store.run({
      image: 'setuid-image',
      command: ['/bin/whoami-euid'],
      user: '1000',
    });
    assert.equal(code, 1000 & 0xff, 'its effective uid stays 1000, not 0');
  });
});

describe('resource limits', () => {
  test("the engine's raised open-file limit is not inherited: a container starts at 1024", async () => {
    const engine = koffiLibc.getrlimit(RLIMIT_NOFILE);
    const { log } = await store.runSh('ulimit -Sn; ulimit -Hn');
    const [soft, hard] = log.trim().split('\n').map(BigInt);
    assert.equal(soft, 1024n);
    assert.equal(
      hard,
      engine.hard < 524288n ? engine.hard : 524288n,
      'hard: 524288, or less if the host has less',
    );
    assert.notEqual(soft, engine.soft, 'not what Node raised the engine to');
  });
});

describe('keyrings, which the kernel does not namespace', () => {
  test('a key one container leaves in its session keyring is not visible to the next', async () => {
    // The engine gets a session keyring, as an agent started from a login shell has one
    // (pam_keyinit): a container that kept it would share it with the next one.
    koffiLibc.joinSessionKeyring(`${secret}-engine`);
    // Unconfined: the default filter refuses keyctl altogether; this is the next line.
    const left = await store.run({
      image: 'privilege-probes',
      command: ['/probes/leave-key'],
      seccomp: 'unconfined',
    });
    assert.equal(left.code, 0, 'the first container stores a key');
    const found = await store.run({
      image: 'privilege-probes',
      command: ['/probes/find-key'],
      seccomp: 'unconfined',
    });
    assert.equal(found.code, ENOKEY, 'the second one has a keyring of its own, without it');
  });
});
