import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { lines, testStore } from './support/cove-cli.js';

// Docker's security flags on the command line, as people paste them from Docker docs:
// what they set is read back from inside the container and from `cove inspect`.

const store = testStore();
before(() => store.start());
const { cove, runSh } = store;
after(() => store.cleanup());

describe("cove run with Docker's security flags", () => {
  afterEach(() => store.assertNothingLeft());

  test('--cap-drop ALL --cap-add NET_BIND_SERVICE leaves exactly that capability', () => {
    const result = runSh('grep ^CapEff /proc/self/status', [
      '--cap-drop',
      'ALL',
      '--cap-add',
      'NET_BIND_SERVICE',
      '--security-opt',
      'no-new-privileges',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'CapEff:\t0000000000000400\n');
  });

  test('--read-only with --tmpfs /tmp: the root refuses writes, /tmp takes them', () => {
    const result = runSh('touch /x || echo root-refused; touch /tmp/y && echo tmp-ok', [
      '--read-only',
      '--tmpfs',
      '/tmp:size=16m',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), ['root-refused', 'tmp-ok']);
    assert.match(result.stderr, /Read-only file system/);
  });

  test('--oom-score-adj reaches the container', () => {
    const result = runSh('cat /proc/self/oom_score_adj', ['--oom-score-adj', '250']);
    assert.equal(result.stdout, '250\n', result.stderr);
  });

  test('inspect shows the effective capabilities and the security settings', () => {
    const created = cove([
      'create',
      '--name',
      'hardened',
      '--cap-drop',
      'net_raw',
      '--cap-add',
      'SYS_TIME',
      '--read-only',
      '--device',
      '/dev/fuse:r',
      'busybox',
      'true',
    ]);
    assert.equal(created.code, 0, created.stderr);
    try {
      const [record] = JSON.parse(cove(['inspect', 'hardened']).stdout);
      assert.ok(record.capabilities.includes('CAP_SYS_TIME'));
      assert.ok(!record.capabilities.includes('CAP_NET_RAW'));
      assert.ok(record.capabilities.includes('CAP_CHOWN'));
      assert.equal(record.spec.readOnly, true);
      assert.deepEqual(record.spec.devices, [
        { hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'r' },
      ]);
    } finally {
      cove(['rm', '-f', 'hardened']);
    }
  });

  test('bad values get one clear error each and create nothing', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--cap-add', 'FLY'], /unknown capability "FLY"/],
      [['--tmpfs', 'tmp'], /invalid tmpfs "tmp"/],
      [['--device', '/etc/hostname:/dev/h'], /--device \/etc\/hostname: not a device node/],
      [['--oom-score-adj', '5000'], /oomScoreAdj/],
      [['--security-opt', 'apparmor=x'], /--security-opt apparmor=x: only seccomp/],
    ];
    for (const [flags, message] of cases) {
      const result = cove(['create', ...flags, 'busybox', 'true']);
      assert.notEqual(result.code, 0, flags.join(' '));
      assert.match(result.stderr, message, flags.join(' '));
      assert.equal(lines(result.stderr).length, 1, `one line: ${result.stderr}`);
    }
  });
});
