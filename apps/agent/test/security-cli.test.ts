import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { startAgentProcess } from './support/agent-process.js';
import { lines, testStore } from './support/cove-cli.js';

const store = testStore();
before(() => store.start());
const { cove, runSh } = store;
const dir = mkdtempSync(join(tmpdir(), 'cove-security-cli-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
  return store.cleanup();
});

const profile = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('--security-opt seccomp', () => {
  afterEach(() => store.assertNothingLeft());

  test('every container gets the default filter; seccomp=unconfined is the way out', () => {
    const confined = runSh('grep ^Seccomp: /proc/self/status; unshare -U true || echo refused');
    assert.deepEqual(lines(confined.stdout), ['Seccomp:\t2', 'refused']);
    const unconfined = runSh('grep ^Seccomp: /proc/self/status; unshare -U true && echo made', [
      '--security-opt',
      'seccomp=unconfined',
    ]);
    assert.deepEqual(lines(unconfined.stdout), ['Seccomp:\t0', 'made']);
  });

  test("a profile in Docker's JSON format is applied as Docker applies it", () => {
    const noMkdir = profile('no-mkdir.json', {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
    });
    const result = runSh('mkdir /made || echo refused; touch /file && echo touched', [
      '--security-opt',
      `seccomp=${noMkdir}`,
    ]);
    assert.deepEqual(lines(result.stdout), ['refused', 'touched']);
    assert.match(result.stderr, /can't create directory '\/made': Permission denied/);
  });

  test('a profile that cannot be read, parsed or honoured stops the run with one clear line', () => {
    const cases: Array<[string, RegExp]> = [
      [`seccomp=${join(dir, 'missing.json')}`, /cannot read the profile: ENOENT/],
      [`seccomp=${profile('broken.json', '{"defaultAction":')}`, /the profile is not JSON/],
      [
        `seccomp=${profile('notify.json', { defaultAction: 'SCMP_ACT_NOTIFY' })}`,
        /invalid seccomp profile: defaultAction: SCMP_ACT_NOTIFY needs a seccomp agent/,
      ],
      [
        `seccomp=${profile('arm.json', { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_AARCH64'] })}`,
        /its architectures do not include SCMP_ARCH_X86_64/,
      ],
      [
        'apparmor=unconfined',
        /only seccomp=PROFILE\.json, seccomp=unconfined and no-new-privileges are supported/,
      ],
    ];
    for (const [option, message] of cases) {
      const result = cove(['run', '--rm', '--security-opt', option, 'busybox', 'true']);
      assert.equal(result.code, 125, option);
      assert.match(result.stderr, message);
      assert.equal(lines(result.stderr).length, 1, 'one line');
    }
    // `create` compiles the profile too: no container is made that could never start.
    const notify = profile('notify-create.json', { defaultAction: 'SCMP_ACT_NOTIFY' });
    const created = cove(['create', '--security-opt', `seccomp=${notify}`, 'busybox', 'true']);
    assert.equal(created.code, 125);
    assert.match(created.stderr, /invalid seccomp profile: defaultAction: SCMP_ACT_NOTIFY/);
    assert.equal(cove(['ps', '-a', '-q']).stdout, '', 'no container was created');
  });
});

// A FIFO bound over /etc/passwd used to hold the init, unwatched, for as long as nobody
// wrote to it (the window an earlier test used to kill the engine in). The init now opens
// the file without blocking and refuses anything but a regular file; that the init dies
// with its engine is checked in packages/core (security-init-order.test.ts).
describe('a FIFO bound over /etc/passwd cannot hold a start', () => {
  const fifo = join(dir, 'passwd.fifo');
  before(() => {
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  });

  test('the start fails at once with one clear error, the agent answers, nothing is left', async () => {
    const agent = await startAgentProcess();
    try {
      const started = Date.now();
      await assert.rejects(
        agent.client.containers.create.mutate({
          spec: {
            image: 'busybox',
            name: 'fifo-passwd',
            command: ['true'],
            volumes: [{ source: fifo, target: '/etc/passwd', readOnly: false }],
          },
          start: true,
        }),
        /etc\/passwd of image busybox is a FIFO, not a regular file/,
      );
      assert.ok(Date.now() - started < 5000, 'at once, not at a deadline');
      assert.ok(await agent.client.system.info.query(), 'the agent still answers');
      assert.deepEqual(readdirSync(join(agent.root, 'containers')), [], 'no container is left');
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
      assert.equal(mounts.includes(agent.root), false, 'no mount of the store is left');
    } finally {
      await agent.stop();
      agent.cleanup();
    }
  });
});
