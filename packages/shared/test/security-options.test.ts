import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ContainerSpecSchema,
  DEFAULT_CAPABILITIES,
  effectiveCapabilities,
  parseDevice,
  parseTmpfs,
} from '../src/index.js';

const capabilitiesOf = (capAdd: string[], capDrop: string[]) => {
  const spec = ContainerSpecSchema.parse({ image: 'busybox', capAdd, capDrop });
  return effectiveCapabilities(spec.capAdd, spec.capDrop);
};

test('capability names are taken with or without CAP_, in any case, and ALL', () => {
  const spec = ContainerSpecSchema.parse({
    image: 'busybox',
    capAdd: ['net_admin', 'CAP_SYS_TIME', 'all'],
  });
  assert.deepEqual(spec.capAdd, ['CAP_NET_ADMIN', 'CAP_SYS_TIME', 'ALL']);
  const bad = ContainerSpecSchema.safeParse({ image: 'busybox', capDrop: ['NET_FLY'] });
  assert.equal(bad.success, false);
  assert.match(bad.error?.issues[0]?.message ?? '', /unknown capability "NET_FLY"/);
});

test("the effective set follows Docker's rule: base, minus drops, plus adds", () => {
  assert.deepEqual(capabilitiesOf([], []), DEFAULT_CAPABILITIES);
  const withAdmin = capabilitiesOf(['NET_ADMIN'], ['MKNOD']);
  assert.ok(withAdmin.includes('CAP_NET_ADMIN'));
  assert.ok(!withAdmin.includes('CAP_MKNOD'));
  assert.deepEqual(capabilitiesOf(['NET_BIND_SERVICE'], ['ALL']), ['CAP_NET_BIND_SERVICE']);
  assert.deepEqual(capabilitiesOf([], ['ALL']), []);
  const all = capabilitiesOf(['ALL'], ['SYS_ADMIN']);
  assert.equal(all.length, 40);
  assert.ok(!all.includes('CAP_SYS_ADMIN'));
  // An add wins over the same drop, as in Docker.
  assert.ok(capabilitiesOf(['CHOWN'], ['CHOWN']).includes('CAP_CHOWN'));
});

test('--tmpfs PATH[:OPTIONS] keeps known options and refuses the rest', () => {
  assert.deepEqual(parseTmpfs('/tmp'), { target: '/tmp', options: [] });
  assert.deepEqual(parseTmpfs('/run:size=64m,mode=1777,exec'), {
    target: '/run',
    options: ['size=64m', 'mode=1777', 'exec'],
  });
  assert.throws(() => parseTmpfs('tmp'), /invalid tmpfs "tmp": must be an absolute path/);
  assert.throws(() => parseTmpfs('/'), /other than \//);
  assert.throws(() => parseTmpfs('/proc/x'), /must not be in \/proc/);
  assert.throws(() => parseTmpfs('/tmp:suid'), /tmpfs option "suid"/);
  assert.throws(() => parseTmpfs('/tmp:size=lots'), /tmpfs option "size=lots"/);
});

test('--device HOST[:CONTAINER][:rwm] defaults to the same path and rwm', () => {
  assert.deepEqual(parseDevice('/dev/fuse'), {
    hostPath: '/dev/fuse',
    containerPath: '/dev/fuse',
    permissions: 'rwm',
  });
  assert.deepEqual(parseDevice('/dev/fuse:r'), {
    hostPath: '/dev/fuse',
    containerPath: '/dev/fuse',
    permissions: 'r',
  });
  assert.deepEqual(parseDevice('/dev/sdb:/dev/xvdc:rw'), {
    hostPath: '/dev/sdb',
    containerPath: '/dev/xvdc',
    permissions: 'rw',
  });
  assert.throws(() => parseDevice('fuse'), /hostPath must be an absolute path/);
  assert.throws(
    () => parseDevice('/dev/fuse:/etc/fuse'),
    /containerPath must be a path under \/dev/,
  );
  assert.throws(() => parseDevice('/dev/fuse:/dev/../etc/x'), /containerPath/);
  assert.throws(() => parseDevice('/dev/fuse:rr'), /each once/);
});

test('oom-score-adj is a whole number from -1000 to 1000', () => {
  assert.equal(ContainerSpecSchema.safeParse({ image: 'b', oomScoreAdj: 500 }).success, true);
  assert.equal(ContainerSpecSchema.safeParse({ image: 'b', oomScoreAdj: 1001 }).success, false);
  assert.equal(ContainerSpecSchema.safeParse({ image: 'b', oomScoreAdj: 1.5 }).success, false);
});
