import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerResolvConf } from '../src/container/container-etc-files.js';
import {
  leaseAddress,
  listLeases,
  releaseAddress,
  watchLeases,
} from '../src/network/address-leases.js';
import { bridgeSettings } from '../src/network/bridge-settings.js';
import { attachVeth } from '../src/network/container-veth.js';
import { readHostRoutes } from '../src/network/host-routes.js';
import { readContainerCounters } from '../src/network/interface-counters.js';
import { macFor, parseIpv4, parseSubnet, subnetsOverlap } from '../src/network/ipv4.js';
import { explainMissingModule } from '../src/network/network-tool.js';
import { acknowledgement, newVethMessage } from '../src/network/rtnetlink-message.js';
import { storeLayout } from '../src/store/store-layout.js';
import { recordingLibc } from './support/recording-libc.js';

// The network's pure steps, on files shaped like /proc/net and a store of their own;
// the kernel's part is in apps/agent/test/network-bridge.test.ts, inside test namespaces.
const scratch = () => mkdtempSync(join(tmpdir(), 'cove-network-steps-'));

const routeTable = (rows: string[]) =>
  `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n${rows.join('\n')}\n`;

test("the host's routes are read from /proc/net/route, little-endian as the kernel writes them", () => {
  const dir = scratch();
  try {
    const path = join(dir, 'route');
    writeFileSync(
      path,
      routeTable([
        'eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
        'eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
        'wg0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
      ]),
    );
    const routes = readHostRoutes(path);
    assert.deepEqual(
      routes.map((r) => [r.interfaceName, r.destination.network, r.destination.prefixLength]),
      [
        ['eth0', 0, 0],
        ['eth0', parseIpv4('192.168.0.0'), 24],
        ['wg0', parseIpv4('10.88.0.0'), 16],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bridge subnet skips ranges the host routes, is kept in the store, and --bridge-subnet is checked', () => {
  const dir = scratch();
  try {
    const layout = storeLayout(dir);
    const taken = [{ interfaceName: 'wg0', destination: parseSubnet('10.88.0.0/16') }];
    const chosen = bridgeSettings(layout, taken);
    assert.equal(chosen.subnet, '10.89.0.0/16');
    assert.equal(chosen.gateway, '10.89.0.1');
    // Kept: a later route does not move it.
    assert.equal(bridgeSettings(layout, []).subnet, '10.89.0.0/16');
    assert.throws(
      () => bridgeSettings(layout, taken, '10.88.128.0/20'),
      /--bridge-subnet 10\.88\.128\.0\/20 overlaps the host's route to 10\.88\.0\.0\/16 on wg0/,
    );
    assert.throws(
      () => bridgeSettings(layout, [], '10.1.2.3/16'),
      /host bits are set \(did you mean 10\.1\.0\.0\/16\?\)/,
    );
    assert.equal(bridgeSettings(layout, [], '172.30.0.0/24').gateway, '172.30.0.1');
    assert.ok(subnetsOverlap(parseSubnet('10.0.0.0/8'), parseSubnet('10.200.0.0/16')));
    assert.ok(!subnetsOverlap(parseSubnet('10.88.0.0/16'), parseSubnet('10.89.0.0/16')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('address leases: one file each, never the gateway, never twice, released only by their holder', () => {
  const dir = scratch();
  try {
    const layout = storeLayout(dir);
    const a = leaseAddress(layout, '10.88.0.0/30', 'a'.repeat(64));
    assert.equal(a, '10.88.0.2');
    assert.throws(
      () => leaseAddress(layout, '10.88.0.0/30', 'b'.repeat(64)),
      /no free address is left in the subnet 10\.88\.0\.0\/30/,
    );
    releaseAddress(layout, a, 'b'.repeat(64));
    assert.deepEqual([...listLeases(layout)], [[a, 'a'.repeat(64)]]);
    releaseAddress(layout, a, 'a'.repeat(64));
    assert.deepEqual(readdirSync(join(dir, 'network', 'leases')), []);
    // Many at once from one process: all different.
    const many = Array.from({ length: 50 }, (_, i) =>
      leaseAddress(layout, '10.88.0.0/16', String(i)),
    );
    assert.equal(new Set(many).size, 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a watch of the leases hears each lease taken and given back, by any process, until closed', async () => {
  const dir = scratch();
  const heard: string[] = [];
  const watch = watchLeases(storeLayout(dir), {
    changed: () => heard.push('changed'),
    lost: () => heard.push('lost'),
  });
  const heardSome = async (what: string) => {
    for (let i = 0; i < 200 && heard.length === 0; i++) await sleep(5);
    assert.ok(heard.length > 0, `nothing was heard after ${what}`);
    assert.ok(!heard.includes('lost'), `the watch was lost after ${what}`);
    heard.length = 0;
  };
  try {
    const layout = storeLayout(dir);
    const address = leaseAddress(layout, '10.88.0.0/24', 'a'.repeat(64));
    await heardSome('a lease taken');
    releaseAddress(layout, address, 'a'.repeat(64));
    await heardSome('a lease given back');
    // Another process on the same store: the CLI without an agent, say.
    writeFileSync(join(dir, 'network', 'leases', '10.88.0.9'), 'b'.repeat(64));
    await heardSome('a lease file written by someone else');
    watch.close();
    leaseAddress(layout, '10.88.0.0/24', 'c'.repeat(64));
    await sleep(50);
    assert.deepEqual(heard, [], 'nothing is heard after close');
  } finally {
    watch.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a container's resolv.conf drops loopback servers and follows systemd-resolved's stub upstream", () => {
  const dir = scratch();
  try {
    const host = join(dir, 'resolv.conf');
    const upstream = join(dir, 'upstream.conf');
    writeFileSync(host, 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch example.test\n');
    writeFileSync(upstream, 'nameserver 192.0.2.53\nnameserver 127.0.0.1\nsearch example.test\n');
    assert.equal(
      containerResolvConf(false, host, upstream),
      'options edns0 trust-ad\nsearch example.test\nnameserver 192.0.2.53\n',
    );
    assert.match(containerResolvConf(true, host, upstream), /nameserver 127\.0\.0\.53/);
    writeFileSync(host, 'nameserver 192.0.2.1\nnameserver 127.0.0.1\n');
    assert.equal(containerResolvConf(false, host, upstream), 'nameserver 192.0.2.1\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a veth's host-end counters are the container's, turned around", () => {
  const dir = scratch();
  try {
    const path = join(dir, 'dev');
    writeFileSync(
      path,
      'Inter-|   Receive                                                |  Transmit\n' +
        ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
        'vethabc: 1000 10 0 0 0 0 0 0 5000 50 0 0 0 0 0 0\n',
    );
    assert.deepEqual(readContainerCounters(path).get('vethabc'), {
      rxBytes: 5000,
      rxPackets: 50,
      txBytes: 1000,
      txPackets: 10,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a MAC is derived from the address, locally administered', () => {
  assert.equal(macFor(parseIpv4('10.88.0.2')), '02:42:0a:58:00:02');
});

test('a veth request is one aligned rtnetlink message, and an acknowledgement gives its errno back', () => {
  const request = newVethMessage(
    {
      hostName: 'vethabc',
      mtu: 1400,
      bridgeIndex: 7,
      peerName: 'eth0',
      peerMac: '02:42:0a:58:00:02',
      peerNamespacePid: 42,
    },
    9,
  );
  assert.equal(request.readUInt32LE(0), request.length, 'nlmsg_len is the whole message');
  assert.equal(request.length % 4, 0);
  assert.equal(request.readUInt32LE(8), 9, 'the sequence number');
  assert.ok(request.includes(Buffer.from('vethabc\0')) && request.includes(Buffer.from('veth\0')));
  assert.ok(request.includes(Buffer.from([0x02, 0x42, 0x0a, 0x58, 0x00, 0x02])));
  // NLMSG_ERROR for sequence 9 carrying -EEXIST, after another message's answer.
  const answer = netlinkAnswer;
  assert.equal(acknowledgement(Buffer.concat([answer(8, 0), answer(9, -17)]), 9), 17);
  assert.equal(acknowledgement(answer(9, 0), 9), 0);
  assert.equal(acknowledgement(answer(8, 0), 9), undefined);
});

/** An NLMSG_ERROR for `sequence` carrying `error` (0, or minus an errno). */
function netlinkAnswer(sequence: number, error: number): Buffer {
  const buffer = Buffer.alloc(36);
  buffer.writeUInt32LE(36, 0);
  buffer.writeUInt16LE(2, 4);
  buffer.writeUInt32LE(sequence, 8);
  buffer.writeInt32LE(error, 16);
  return buffer;
}

test('a kernel without veth or bridge support is named in one line that says what to do', async () => {
  // The kernel answers RTM_NEWLINK for a link kind it has no module for with EOPNOTSUPP.
  const recording = recordingLibc();
  const libc = new Proxy(recording.libc, {
    get(target, property, receiver) {
      if (property !== 'recv') return Reflect.get(target, property, receiver);
      return (_fd: number, buffer: Buffer) => netlinkAnswer(1, -95).copy(buffer);
    },
  });
  const dir = scratch();
  const bridge = bridgeSettings(storeLayout(dir), [], '10.88.0.0/16');
  rmSync(dir, { recursive: true, force: true });
  assert.throws(
    () =>
      attachVeth(libc, bridge, 42, {
        hostInterface: 'vethabc',
        mac: '02:42:0a:58:00:02',
        mtu: 1500,
      }),
    /connecting the container to cove0: the kernel has no veth support: load its module \(modprobe veth\) or use --network none/,
  );
  const netlinkSocket = recording.calls.find((c) => c.call === 'socket' && c.args[0] === 16);
  assert.ok(netlinkSocket, 'a route netlink socket was opened');
  assert.ok(
    recording.calls.some((c) => c.call === 'close'),
    'and closed',
  );

  // `ip link add cove0 type bridge` says "Unknown device type" without the bridge module.
  await assert.rejects(
    explainMissingModule(
      'bridge',
      Promise.reject(new Error('ip -batch - failed (exit 1): Error: Unknown device type.')),
    ),
    /^CoveError: the kernel has no bridge support: load its module \(modprobe bridge\) or use --network none$/,
  );
  // Other failures keep their own words.
  await assert.rejects(
    explainMissingModule('bridge', Promise.reject(new Error('RTNETLINK answers: File exists'))),
    /File exists/,
  );
});
