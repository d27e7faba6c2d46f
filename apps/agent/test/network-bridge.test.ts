import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildLabImage, lab, type NetworkLab, startNetworkLab } from './support/network-lab.js';

// Everything here happens in namespaces this file makes (see network-lab.ts): the agent's
// bridge, nft table and sysctls live in the lab's "host", and every packet goes to
// loopback or to addresses inside the lab.
let net: NetworkLab;

const webScript = (text: string) =>
  `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`;

// (busybox 1.35's wget crashes on -T: a timeout bounds it instead.)
const wget = (url: string) => ['busybox', 'timeout', '5', 'busybox', 'wget', '-q', '-O', '-', url];
const wgetInContainer = (url: string) => ['timeout', '5', 'wget', '-q', '-O', '-', url];

before(async () => {
  net = await startNetworkLab();
  await net.startAgent();
  const image = buildLabImage();
  try {
    const imported = net.cove(['image', 'import', image.archive, 'netlab']);
    assert.equal(imported.code, 0, imported.stderr);
  } finally {
    image.remove();
  }
});

after(async () => {
  await net?.cleanup();
});

const leases = () => {
  try {
    return readdirSync(join(net.root, 'network', 'leases'));
  } catch {
    return [];
  }
};
const hostVeths = () =>
  net
    .must('host', 'ip -o link show')
    .split('\n')
    .filter((line) => / veth/.test(line));
const publishedElements = () => net.must('host', 'nft list table inet cove 2>/dev/null || true');

test('a published port answers an outside client, the host on its address and on 127.0.0.1, and containers (hairpin)', async () => {
  const run = net.cove([
    'run',
    '-d',
    '--name',
    'web',
    '-p',
    '8080:80',
    'netlab',
    'sh',
    '-c',
    webScript('hello-cove'),
  ]);
  assert.equal(run.code, 0, run.stderr);

  const fromClient = await net.eventually(
    'client',
    wget(`http://${lab.hostOutside}:8080/`),
    /hello-cove/,
  );
  assert.match(fromClient.stdout, /hello-cove/, `the outside client: ${fromClient.stderr}`);
  assert.match(net.inside('host', wget(`http://${lab.hostOutside}:8080/`)).stdout, /hello-cove/);
  assert.match(net.inside('host', wget('http://127.0.0.1:8080/')).stdout, /hello-cove/);

  const other = net.cove([
    'run',
    '--rm',
    'netlab',
    ...wgetInContainer(`http://${lab.hostOutside}:8080/`),
  ]);
  assert.match(other.stdout, /hello-cove/, `another container: ${other.stderr}`);
  const itself = net.cove(['exec', 'web', ...wgetInContainer(`http://${lab.hostOutside}:8080/`)]);
  assert.match(itself.stdout, /hello-cove/, `the container itself: ${itself.stderr}`);

  assert.match(net.cove(['ps']).stdout, /0\.0\.0\.0:8080->80\/tcp/);
  assert.equal(net.cove(['port', 'web']).stdout.trim(), '80/tcp -> 0.0.0.0:8080');
});

test('inspect shows the address, MAC, gateway and ports; the container has eth0 with the host MTU, a default route and its name in /etc/hosts', () => {
  const [record] = JSON.parse(net.cove(['inspect', 'web']).stdout);
  const { network } = record;
  assert.equal(network.mode, 'bridge');
  assert.match(network.address, /^10\.88\.\d+\.\d+$/);
  assert.equal(network.gateway, '10.88.0.1');
  assert.match(network.mac, /^02:42:/);
  assert.deepEqual(network.ports, [
    { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
  ]);

  const inside = net.cove([
    'exec',
    'web',
    'sh',
    '-c',
    'ip -o addr show eth0; ip -o link show eth0; ip route; cat /etc/hosts',
  ]);
  assert.equal(inside.code, 0, inside.stderr);
  assert.match(inside.stdout, new RegExp(`inet ${network.address.replaceAll('.', '\\.')}/16`));
  assert.match(inside.stdout, new RegExp(`mtu ${lab.wanMtu} `));
  assert.match(inside.stdout, /default via 10\.88\.0\.1 dev eth0/);
  assert.match(
    inside.stdout,
    new RegExp(`${network.address.replaceAll('.', '\\.')}\\s+${record.hostname}`),
  );
});

test("a container's traffic shows in its stats: bytes and packets in and out, and NET I/O in cove stats", async () => {
  for (let i = 0; i < 3; i++) net.inside('client', wget(`http://${lab.hostOutside}:8080/`));
  let row: { stats?: { network?: Record<string, number> } } = {};
  for (let i = 0; i < 40 && !(row.stats?.network?.txBytes ?? 0); i++) {
    row = JSON.parse(net.cove(['stats', '--no-stream', '--format', 'json', 'web']).stdout || '{}');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const counters = row.stats?.network;
  assert.ok(counters, 'the stats sample has network counters');
  // Three requests in, three pages out: the container sent more than the page thrice.
  assert.ok((counters.txBytes ?? 0) > 3 * 'hello-cove'.length, JSON.stringify(counters));
  assert.ok(
    (counters.rxPackets ?? 0) >= 3 && (counters.txPackets ?? 0) >= 3,
    JSON.stringify(counters),
  );
  assert.match(
    net.cove(['stats', '--no-stream', 'web']).stdout,
    /NET I\/O[\s\S]*\d+(\.\d+)? k?B \/ \d+(\.\d+)? k?B/,
  );
});

test('a container reaches the "internet" namespace through the masquerade', async () => {
  const www = join(net.root, 'internet-www');
  mkdirSync(www);
  writeFileSync(join(www, 'index.html'), 'from-the-internet\n');
  const server = net.spawnInside('internet', ['busybox', 'httpd', '-f', '-p', '8000', '-h', www]);
  try {
    await net.eventually('internet', wget(`http://${lab.internet}:8000/`), /from-the-internet/);
    const fetched = net.cove([
      'run',
      '--rm',
      'netlab',
      ...wgetInContainer(`http://${lab.internet}:8000/`),
    ]);
    assert.match(fetched.stdout, /from-the-internet/, fetched.stderr);
  } finally {
    server.kill();
  }
});

test('-p 5353:53/udp carries datagrams, and a client keeps reaching the port when a new container takes it over', async () => {
  // The same client port every time: the flow's conntrack entry outlives the first
  // container, and would keep sending to its old address (now another container's)
  // unless the entries of a port are removed when it is published again.
  const send = (text: string) =>
    net.inside('client', [
      'sh',
      '-c',
      `echo ${text} | nc.openbsd -u -w1 -p 40053 ${lab.hostOutside} 5353`,
    ]);
  const listen = (name: string, flags: string[] = []) => {
    const run = net.cove([
      'run',
      '-d',
      '--name',
      name,
      ...flags,
      'netlab',
      'nc.openbsd',
      '-u',
      '-l',
      '-k',
      '-p',
      '53',
    ]);
    assert.equal(run.code, 0, run.stderr);
  };
  const sendUntilLogged = (name: string, text: string) => {
    let logs = '';
    for (let i = 0; i < 40 && !logs.includes(text); i++) {
      send(text);
      logs = net.cove(['logs', name]).stdout;
    }
    return logs;
  };
  listen('dns1', ['-p', '5353:53/udp']);
  assert.match(sendUntilLogged('dns1', 'first-datagram'), /first-datagram/);
  const oldAddress = JSON.parse(net.cove(['inspect', 'dns1']).stdout)[0].network.address;
  net.cove(['rm', '-f', 'dns1']);
  listen('filler');
  assert.equal(JSON.parse(net.cove(['inspect', 'filler']).stdout)[0].network.address, oldAddress);
  listen('dns2', ['-p', '5353:53/udp']);
  assert.match(sendUntilLogged('dns2', 'second-datagram'), /second-datagram/);
  assert.doesNotMatch(net.cove(['logs', 'filler']).stdout, /second-datagram/);
  net.cove(['rm', '-f', 'filler', 'dns2']);
});

test('-P publishes every port the image exposes and -p 80 picks a free host port; both answer', async () => {
  const all = net.cove([
    'run',
    '-d',
    '--name',
    'all',
    '-P',
    'netlab',
    'sh',
    '-c',
    webScript('published-all'),
  ]);
  assert.equal(all.code, 0, all.stderr);
  const ports = net.cove(['port', 'all']).stdout;
  const tcp = /80\/tcp -> 0\.0\.0\.0:(\d+)/.exec(ports);
  assert.ok(tcp?.[1], `port shows 80/tcp: ${ports}`);
  assert.match(ports, /53\/udp -> 0\.0\.0\.0:\d+/);
  const viaAll = await net.eventually(
    'client',
    wget(`http://${lab.hostOutside}:${tcp[1]}/`),
    /published-all/,
  );
  assert.match(viaAll.stdout, /published-all/);

  const picked = net.cove([
    'run',
    '-d',
    '--name',
    'picked',
    '-p',
    '80',
    'netlab',
    'sh',
    '-c',
    webScript('picked-port'),
  ]);
  assert.equal(picked.code, 0, picked.stderr);
  const hostPort = net.cove(['port', 'picked', '80']).stdout.trim().split(':')[1];
  assert.ok(hostPort && Number(hostPort) > 0);
  const viaPicked = await net.eventually(
    'client',
    wget(`http://${lab.hostOutside}:${hostPort}/`),
    /picked-port/,
  );
  assert.match(viaPicked.stdout, /picked-port/);
  net.cove(['rm', '-f', 'all', 'picked']);
});

test("--network none has only lo, host sees the host namespace, container: shares the other container's", () => {
  const none = net.cove(['run', '--rm', '--network', 'none', 'netlab', 'ip', '-o', 'link']);
  assert.equal(none.code, 0, none.stderr);
  assert.deepEqual(
    none.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(': ')[1]),
    ['lo'],
  );

  const host = net.cove(['run', '--rm', '--network', 'host', 'netlab', 'ip', '-o', 'link']);
  assert.match(host.stdout, /out0/);
  assert.match(host.stdout, /cove0/);

  const shared = net.cove([
    'run',
    '--rm',
    '--network',
    'container:web',
    'netlab',
    ...wgetInContainer('http://127.0.0.1:80/'),
  ]);
  assert.match(shared.stdout, /hello-cove/, shared.stderr);
});

test('bad network input gets one clear line and leaves nothing behind', () => {
  const before = {
    leases: leases().length,
    veths: hostVeths().length,
    containers: net.cove(['ps', '-aq']).stdout,
  };
  const holder = net.spawnInside('host', ['busybox', 'nc', '-l', '-p', '9090']);
  try {
    const cases: Array<[string[], RegExp]> = [
      [['-p', '8080:80'], /host port 0\.0\.0\.0:8080\/tcp is already published by container web/],
      [['-p', '0:80'], /invalid port "0:80"/],
      [['-p', '70000:80'], /invalid port/],
      [['-p', '9000:80', '-p', '9000:81'], /host port 9000\/tcp is published twice/],
      [['--network', 'none', '-p', '9001:80'], /ports are published on a bridge network/],
      [['--network', 'container:nosuch'], /no such container/],
      [['--network', 'bogus'], /network bogus does not exist/],
      [['--network', 'bad/name'], /invalid --network "bad\/name"/],
    ];
    for (const [flags, expected] of cases) {
      const result = net.cove(['run', '--rm', ...flags, 'netlab', 'true']);
      assert.notEqual(result.code, 0, flags.join(' '));
      assert.match(result.stderr, expected, flags.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    }
    // Give nc a moment to listen; the refusal must name the host process's port.
    let inUse = net.cove(['run', '--rm', '-p', '9090:80', 'netlab', 'true']);
    for (let i = 0; i < 50 && !/in use/.test(inUse.stderr); i++)
      inUse = net.cove(['run', '--rm', '-p', '9090:80', 'netlab', 'true']);
    assert.match(inUse.stderr, /host port 0\.0\.0\.0:9090\/tcp is in use by a host process/);
  } finally {
    holder.kill();
  }
  net.cove(['create', '--name', 'stopped', 'netlab', 'true']);
  const joinStopped = net.cove(['run', '--rm', '--network', 'container:stopped', 'netlab', 'true']);
  assert.match(joinStopped.stderr, /container stopped is created; start it first/);
  net.cove(['rm', 'stopped']);
  assert.equal(leases().length, before.leases, 'no lease left');
  assert.equal(hostVeths().length, before.veths, 'no veth left');
  assert.doesNotMatch(publishedElements(), /9090|9000|9001/);
  assert.equal(net.cove(['ps', '-aq']).stdout, before.containers, 'no half-made container');
});

test('an image that fails while its veth is being made is told by its own error, and leaves nothing', () => {
  // The init fails at /proc (a symlink out of the root) about 2 ms after it asks for
  // its veth, while the engine is still making it (about 3.5 ms): the engine's part then
  // fails too, on a namespace that is gone, and was the error told before.
  const image = buildLabImage((rootfs) => symlinkSync('/tmp', join(rootfs, 'proc')));
  try {
    const imported = net.cove(['image', 'import', image.archive, 'netlab-evil-proc']);
    assert.equal(imported.code, 0, imported.stderr);
  } finally {
    image.remove();
  }
  const before = { leases: leases().length, veths: hostVeths().length };
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = net.cove(['run', '--rm', 'netlab-evil-proc', 'true']);
    assert.equal(result.code, 125, result.stderr);
    assert.match(
      result.stderr,
      /\/proc in the image is or passes through a symlink: refusing to use it/,
      `attempt ${attempt + 1}`,
    );
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
  }
  assert.equal(leases().length, before.leases, 'no lease left');
  assert.equal(hostVeths().length, before.veths, 'no veth left');
  assert.equal(net.cove(['rmi', 'netlab-evil-proc']).code, 0);
});

test("a SIGKILLed agent's successor finds the published ports working, and a flushed ruleset comes back at the next agent start", async () => {
  await net.stopAgent('SIGKILL');
  await net.startAgent();
  const afterCrash = await net.eventually(
    'client',
    wget(`http://${lab.hostOutside}:8080/`),
    /hello-cove/,
  );
  assert.match(afterCrash.stdout, /hello-cove/);

  // A firewall reload that flushes everything (Cove's table with it) breaks the port...
  net.must('host', 'nft flush ruleset');
  assert.doesNotMatch(
    net.inside('client', wget(`http://${lab.hostOutside}:8080/`)).stdout,
    /hello-cove/,
  );
  // ...until the agent starts again and writes its table back.
  await net.stopAgent();
  await net.startAgent();
  const restored = await net.eventually(
    'client',
    wget(`http://${lab.hostOutside}:8080/`),
    /hello-cove/,
  );
  assert.match(restored.stdout, /hello-cove/);
  assert.match(publishedElements(), /8080 : 10\.88\.\d+\.\d+ \. 80/);
});

test('rm leaves no veth, no lease and no published port; an agent that stops with nothing on the bridge removes the bridge and its table', async () => {
  const removed = net.cove(['rm', '-f', 'web']);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(hostVeths(), []);
  assert.deepEqual(leases(), []);
  assert.doesNotMatch(publishedElements(), /8080/);

  await net.stopAgent();
  assert.doesNotMatch(net.must('host', 'ip -o link show'), /cove0/);
  assert.equal(net.must('host', 'nft list tables'), '');
  await net.startAgent();
});

test('a stopped container gives its address back; a restarted agent frees a lease whose container is gone', async () => {
  const run = net.cove(['run', '-d', '--name', 'brief', 'netlab', 'sleep', '1000']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(leases().length, 1);
  net.cove(['stop', '-t', '0', 'brief']);
  assert.deepEqual(leases(), []);
  assert.deepEqual(hostVeths(), []);
  net.cove(['rm', 'brief']);

  // A lease file left by a crash at the wrong moment, for a container that is no more.
  writeFileSync(join(net.root, 'network', 'leases', '10.88.0.77'), 'f'.repeat(64));
  await net.stopAgent();
  await net.startAgent();
  assert.deepEqual(leases(), []);
});

test('an agent refuses a --bridge-subnet that overlaps a host route, in one line', async () => {
  await net.stopAgent();
  await assert.rejects(
    net.startAgent(['--bridge-subnet', '192.0.2.0/24']),
    /overlaps the host's route to 192\.0\.2\.0\/24 on out0/,
  );
  await net.startAgent();
});

test('a host without nftables gets one clear line at a bridge start, and nothing is made', async () => {
  const ids = net.cove(['ps', '-aq']).stdout.trim().split('\n').filter(Boolean);
  if (ids.length) net.cove(['rm', '-f', ...ids]);
  await net.stopAgent();
  await net.startAgent([], { withoutSbin: true });
  try {
    const result = net.cove(['run', '--rm', '-p', '8080:80', 'netlab', 'true']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /nft is not installed: install nftables/);
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    assert.equal(net.cove(['ps', '-aq']).stdout.trim(), '', 'no half-made container');
    assert.deepEqual(leases(), []);
    assert.deepEqual(hostVeths(), []);
    assert.doesNotMatch(net.inside('host', ['ip', '-o', 'link']).stdout, /cove0/);
    assert.doesNotMatch(net.inside('host', ['nft', 'list', 'tables']).stdout, /cove/);
    // --network none needs none of it.
    assert.equal(net.cove(['run', '--rm', '--network', 'none', 'netlab', 'true']).code, 0);
  } finally {
    await net.stopAgent();
    await net.startAgent();
  }
});
