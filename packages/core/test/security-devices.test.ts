import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, afterEach, test } from 'node:test';
import { securityStore } from './support/security-containers.js';

// CAP_MKNOD (Docker's default set keeps it) lets root in a container make a node for any
// device number. Only the cgroup's device policy stops it from then opening the host's
// kernel log (c 1 11), its physical memory (c 1 1) or a disk through that node.

const store = securityStore('security-devices');
afterEach(() => store.assertNothingLeft());
after(() => store.cleanup());

const hostKernelLog = () => execFileSync('dmesg', { encoding: 'utf8' });

test('/dev/kmsg and /dev/mem made with mknod cannot be opened: EPERM, and the host kernel log gains nothing', async () => {
  const marker = `cove-device-probe-${randomBytes(6).toString('hex')}`;
  const { code, log, stdout, stderr } = await store.runSh(
    'mknod /kmsg c 1 11 && echo made-kmsg; mknod /mem c 1 1 && echo made-mem; ' +
      `echo ${marker} > /kmsg || echo kmsg-write-refused; ` +
      'cat /kmsg > /dev/null || echo kmsg-read-refused; ' +
      'echo x > /mem || echo mem-write-refused; ' +
      'head -c 1 /mem > /dev/null || echo mem-read-refused',
  );
  assert.equal(code, 0, log);
  assert.equal(
    stdout,
    'made-kmsg\nmade-mem\nkmsg-write-refused\nkmsg-read-refused\nmem-write-refused\nmem-read-refused\n',
  );
  for (const path of ['/kmsg', '/mem']) {
    assert.match(stderr, new RegExp(`${path}.*Operation not permitted`), `${path}: ${stderr}`);
  }
  assert.equal(hostKernelLog().includes(marker), false, "the marker never reached the host's log");
});

test('the nodes every program needs still work: null, zero, full, random, urandom', async () => {
  const { code, log, stdout } = await store.runSh(
    'echo x > /dev/null && head -c 3 /dev/zero | wc -c && head -c 5 /dev/urandom | wc -c && ' +
      'head -c 2 /dev/random | wc -c && (echo x > /dev/full || echo full-is-full)',
  );
  assert.equal(code, 0, log);
  assert.equal(stdout, '3\n5\n2\nfull-is-full\n');
});
