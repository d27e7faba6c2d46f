import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, afterEach, test } from 'node:test';
import type { ContainerSpecInput } from '@cove/shared';
import { securityStore } from './support/security-containers.js';

// --cap-add, --cap-drop, --read-only, --tmpfs and --oom-score-adj, each checked from
// inside the container, where the kernel says what the process really holds.

const store = securityStore('security-capabilities');
afterEach(() => store.assertNothingLeft());
after(() => store.cleanup());

// `--cap-add ALL` is every capability the engine itself may hand on: its own bounding set.
const ownBoundingSet = /^CapBnd:\t(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];

async function capabilitySets(spec: Partial<ContainerSpecInput>) {
  const { code, log, stdout } = await store.runSh('grep ^Cap /proc/self/status', spec);
  assert.equal(code, 0, log);
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(':\t')),
  );
}

test("a default container holds Docker's set, effective, permitted and bounding", async () => {
  const sets = await capabilitySets({});
  assert.equal(sets.CapEff, '00000000a80425fb');
  assert.equal(sets.CapPrm, '00000000a80425fb');
  assert.equal(sets.CapBnd, '00000000a80425fb');
  assert.equal(sets.CapInh, '0000000000000000');
});

test('--cap-add NET_ADMIN lets root change an interface; without it, EPERM', async () => {
  const script = 'ip link set lo mtu 1400 && echo changed';
  const without = await store.runSh(script);
  assert.notEqual(without.code, 0);
  assert.match(without.stderr, /Operation not permitted/);
  const withAdmin = await store.runSh(script, { capAdd: ['NET_ADMIN'] });
  assert.equal(withAdmin.stdout, 'changed\n', withAdmin.log);
  const sets = await capabilitySets({ capAdd: ['cap_net_admin'] });
  assert.equal(sets.CapEff, '00000000a80435fb', 'bit 12 (CAP_NET_ADMIN) added');
});

test('--cap-drop CHOWN refuses chown; --cap-drop ALL leaves nothing, --cap-add ALL everything', async () => {
  const chown = await store.runSh('touch /f && chown 1:1 /f && echo chowned', {
    capDrop: ['CHOWN'],
  });
  assert.notEqual(chown.code, 0);
  assert.match(chown.stderr, /Operation not permitted/);
  assert.equal((await store.runSh('touch /f && chown 1:1 /f && echo chowned')).stdout, 'chowned\n');

  const none = await capabilitySets({ capDrop: ['ALL'] });
  assert.equal(none.CapEff, '0000000000000000');
  assert.equal(none.CapBnd, '0000000000000000');
  const bindOnly = await capabilitySets({ capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'] });
  assert.equal(bindOnly.CapEff, '0000000000000400');
  const all = await capabilitySets({ capAdd: ['ALL'] });
  assert.equal(all.CapEff, ownBoundingSet);
  assert.equal(all.CapBnd, ownBoundingSet);
});

test('the seccomp filter follows the capabilities: --cap-add SYS_ADMIN may mount', async () => {
  const script = 'mkdir -p /m && mount -t tmpfs none /m && echo mounted';
  assert.notEqual((await store.runSh(script)).code, 0);
  const admin = await store.runSh(script, { capAdd: ['SYS_ADMIN'] });
  assert.equal(admin.stdout, 'mounted\n', admin.log);
});

test('an exec holds the same set as its container', async () => {
  const container = await store.engine.run(
    { image: 'busybox', command: ['sleep', '30'], capDrop: ['ALL'], capAdd: ['KILL'] },
    { kind: 'log' },
  );
  try {
    const { stdout } = await store.exec(container.id, ['grep', '^CapEff', '/proc/self/status']);
    assert.equal(stdout, 'CapEff:\t0000000000000020\n');
  } finally {
    await store.engine.remove(container.id, { force: true });
  }
});

test('--read-only refuses writes to the root with EROFS; /dev/shm, volumes and --tmpfs stay writable', async () => {
  const readOnly = await store.runSh(
    'touch /etc/x || echo root-refused; touch /tmp/x || echo tmp-refused; ' +
      'touch /dev/shm/x && echo shm-ok',
    { readOnly: true },
  );
  assert.equal(readOnly.code, 0, readOnly.log);
  assert.equal(readOnly.stdout, 'root-refused\ntmp-refused\nshm-ok\n');
  assert.match(readOnly.stderr, /\/etc\/x: Read-only file system/);

  const withTmp = await store.runSh('touch /tmp/x && echo tmp-ok; touch /x || echo root-refused', {
    readOnly: true,
    tmpfs: [{ target: '/tmp' }],
  });
  assert.equal(withTmp.stdout, 'tmp-ok\nroot-refused\n', withTmp.log);
});

test('--tmpfs mounts are noexec, nosuid and nodev unless asked, with the size given', async () => {
  const script =
    'grep " /scratch " /proc/mounts; cp /bin/busybox /scratch/true && /scratch/true && echo ran';
  const plain = await store.runSh(script, {
    tmpfs: [{ target: '/scratch', options: ['size=8m'] }],
  });
  assert.match(plain.stdout, /tmpfs \/scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=8192k/);
  assert.doesNotMatch(plain.stdout, /ran/);
  const exec = await store.runSh(script, {
    tmpfs: [{ target: '/scratch', options: ['exec', 'mode=1777'] }],
  });
  assert.match(exec.stdout, /ran\n$/, exec.log);
});

test('--oom-score-adj sets the container score; without it the container gets 0, not the engine own', async () => {
  // The agent runs at -500; lowering a score needs CAP_SYS_RESOURCE, which a sandboxed
  // host may lack, so the engine here runs at +300: the inheritance is the same.
  const own = readFileSync('/proc/self/oom_score_adj', 'utf8').trim();
  writeFileSync('/proc/self/oom_score_adj', '300');
  try {
    const plain = await store.runSh('cat /proc/self/oom_score_adj');
    assert.equal(plain.stdout, '0\n');
    const asked = await store.runSh('cat /proc/self/oom_score_adj', { oomScoreAdj: 700 });
    assert.equal(asked.stdout, '700\n');
    const container = await store.engine.run(
      { image: 'busybox', command: ['sleep', '30'], oomScoreAdj: 600 },
      { kind: 'log' },
    );
    try {
      const { stdout } = await store.exec(container.id, ['cat', '/proc/self/oom_score_adj']);
      assert.equal(stdout, '600\n', 'an exec gets its container score');
    } finally {
      await store.engine.remove(container.id, { force: true });
    }
  } finally {
    writeFileSync('/proc/self/oom_score_adj', own);
  }
});
