import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { koffiLibc } from '../src/libc/koffi-libc.js';
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
      // Opened for writing without a byte written: should the policy fail, memory is unharmed.
      'true >> /mem || echo mem-write-refused; ' +
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

/** The numbers of the host's first disk (vda, sda, nvme0n1...), or sda's when it has none. */
function firstDiskNumbers(): string {
  const disks = readdirSync('/sys/block').filter((name) => !/^(loop|ram|zram)/.test(name));
  const [first] = disks.sort();
  return first ? readFileSync(`/sys/block/${first}/dev`, 'utf8').trim() : '8:0';
}

test("the host's first disk, made with mknod, can be neither read nor opened for writing", async () => {
  const [major, minor] = firstDiskNumbers().split(':');
  const { code, log, stdout, stderr } = await store.runSh(
    `mknod /disk b ${major} ${minor} && echo made; ` +
      'head -c 512 /disk > /dev/null || echo read-refused; ' +
      'true >> /disk || echo write-refused',
  );
  assert.equal(code, 0, log);
  assert.equal(stdout, 'made\nread-refused\nwrite-refused\n');
  assert.match(stderr, /\/disk.*Operation not permitted/);
});

test('a terminal still works: the container writes to its /dev/tty', async () => {
  const running = await store.engine.run(
    { image: 'busybox', command: ['sh', '-c', 'echo through-the-tty > /dev/tty && tty'] },
    { kind: 'terminal', cols: 80, rows: 24 },
  );
  const master = running.terminal ?? -1;
  try {
    assert.equal(await running.exited, 0);
    const buffer = Buffer.alloc(64 * 1024);
    const screen = buffer.subarray(0, readSync(master, buffer)).toString('utf8');
    assert.deepEqual(screen.split('\r\n').slice(0, 2), ['through-the-tty', '/dev/pts/0']);
  } finally {
    koffiLibc.close(master);
    await store.engine.remove(running.id, { force: true });
  }
});

// /dev/kmsg is on every kernel and writing to it needs no capability (reading it does,
// under dmesg_restrict): `w` is what tells the two policies apart.
const kmsgDevice = (permissions: string) => ({
  devices: [{ hostPath: '/dev/kmsg', containerPath: '/dev/kmsg', permissions }],
});

test('--device opens exactly the device it names, with the permissions it gives', async () => {
  const allowed = `cove-device-allowed-${randomBytes(6).toString('hex')}`;
  const { code, log, stdout } = await store.runSh(
    'ls -l /dev/kmsg | cut -c1; ' +
      `echo ${allowed} > /dev/kmsg && echo kmsg-written; ` +
      'mknod /mem c 1 1 && (true >> /mem || echo mem-still-refused)',
    kmsgDevice('w'),
  );
  assert.equal(code, 0, log);
  assert.equal(stdout, 'c\nkmsg-written\nmem-still-refused\n');
  assert.equal(hostKernelLog().includes(allowed), true, 'w lets the write through');

  const refused = `cove-device-refused-${randomBytes(6).toString('hex')}`;
  const readOnly = await store.runSh(
    `echo ${refused} > /dev/kmsg || echo kmsg-write-refused`,
    kmsgDevice('r'),
  );
  assert.equal(readOnly.stdout, 'kmsg-write-refused\n', readOnly.log);
  assert.equal(hostKernelLog().includes(refused), false, 'r allows no write');
});

test('--device /dev/fuse, where the host has it, can be opened for reading and writing', async (t) => {
  if (!existsSync('/dev/fuse')) {
    t.diagnostic(
      'this kernel has no /dev/fuse (fuse not loaded): the /dev/kmsg test covers --device',
    );
    return;
  }
  const spec = {
    devices: [{ hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'rwm' }],
  };
  const { code, log, stdout } = await store.runSh('true 3<> /dev/fuse && echo fuse-open', spec);
  assert.equal(code, 0, log);
  assert.equal(stdout, 'fuse-open\n');
  const without = await store.runSh('mknod /f c 10 229 && true 3<> /f || echo fuse-refused');
  assert.equal(without.stdout, 'fuse-refused\n', without.log);
});

test('--device with a path that is not a device is refused at create, and nothing is made', async () => {
  const file = join(store.root, 'not-a-device');
  writeFileSync(file, '');
  for (const [hostPath, kind] of [
    [file, /not a device node \(a regular file/],
    [store.root, /not a device node \(a directory\)/],
    ['/dev/no-such-device', /--device \/dev\/no-such-device: stat failed: ENOENT/],
  ] as const) {
    await assert.rejects(
      store.engine.run(
        {
          image: 'busybox',
          command: ['true'],
          devices: [{ hostPath, containerPath: '/dev/x', permissions: 'rwm' }],
        },
        { kind: 'log' },
      ),
      kind,
    );
  }
});
