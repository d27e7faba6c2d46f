import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';
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

/** Host PIDs of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Gone, a zombie, or with SIGKILL pending: in every case it will never run again. */
/** Whether process `pid` has the file with inode `inode` open. */
function holdsInode(pid: number, inode: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return statSync(`/proc/${pid}/fd/${fd}`).ino === inode;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

function isDeadOrDying(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return true;
  }
  if (/^State:\s+[ZX]/m.test(status)) return true;
  const pendingSignals = (field: string) =>
    BigInt(`0x${new RegExp(`^${field}:\\s+([0-9a-f]+)$`, 'm').exec(status)?.[1] ?? '0'}`);
  const sigkill = 1n << 8n;
  return ((pendingSignals('SigPnd') | pendingSignals('ShdPnd')) & sigkill) !== 0n;
}

describe('the engine dies while a container is being built', () => {
  const fifo = join(dir, 'passwd.fifo');
  before(() => {
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  });

  test('the half-built container is killed with it, not left running unwatched (parent-death signal)', async () => {
    // An agent of its own, on a store of its own: this one is killed.
    const agent = await startAgentProcess();
    let restarted: AgentProcess | undefined;
    let init: number | undefined;
    // /etc/passwd bound to a FIFO holds the init just before it drops privileges and
    // execs: it reads the file to resolve the user and waits for a writer. That wait is
    // the window in which the agent dies.
    const starting = agent.client.containers.create
      .mutate({
        spec: {
          image: 'busybox',
          name: 'orphan',
          command: ['true'],
          volumes: [{ source: fifo, target: '/etc/passwd', readOnly: false }],
        },
        start: true,
      })
      .catch(() => 'the agent died first');
    const writer = await open(fifo, 'w'); // returns once the init has opened it to read
    try {
      const fifoInode = statSync(fifo).ino;
      [init] = childrenOf(agent.pid).filter((pid) => holdsInode(pid, fifoInode));
      assert.ok(init, 'the init reading the FIFO is a child of the agent');
      await agent.stop('SIGKILL');
      assert.equal(await starting, 'the agent died first');
      // The kernel sends the parent-death signal while the parent exits, before that
      // exit is reported here: the init is already dead or has SIGKILL pending.
      assert.ok(isDeadOrDying(init), `the init (pid ${init}) dies with the agent`);
      restarted = await startAgentProcess(agent.root);
      await restarted.client.containers.remove.mutate({ id: 'orphan', force: true });
      assert.deepEqual(readdirSync(join(agent.root, 'containers')), [], 'the record is removable');
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
      assert.equal(mounts.includes(agent.root), false, 'no mount of the store is left');
    } finally {
      if (init && !isDeadOrDying(init)) process.kill(init, 'SIGKILL');
      await writer.close();
      await restarted?.stop();
      agent.cleanup();
    }
  });
});
