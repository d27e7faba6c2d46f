import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  buildLabImage,
  lab,
  librariesOf,
  type NetworkLab,
  startNetworkLab,
} from './support/network-lab.js';

// Everything here happens in namespaces this file makes (see network-lab.ts): the agent's
// bridges, nft table, sysctls and DNS servers live in the lab's "host"; "the internet"
// runs a DNS server of the test's own, which the agent forwards to. No packet goes
// anywhere else.
let net: NetworkLab;
let upstream: ChildProcess;
let internetWeb: ChildProcess;

const labDnsServer = fileURLToPath(new URL('./support/lab-dns-server.js', import.meta.url));
const agentArgs = ['--default-network', 'none', '--dns-upstream', lab.internet];

const webScript = (text: string) =>
  `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`;
// (busybox 1.35's wget crashes on -T: a timeout bounds it instead. busybox's timeout
// becomes the program it runs, and a container's PID 1 ignores the SIGTERM it would send:
// a shell stays PID 1.)
const wget = (url: string) => ['sh', '-c', `timeout 5 wget -q -O - ${url}; exit $?`];

/** `cove run --rm` on `network`, with what it printed. */
const runOn = (network: string, command: string[]) =>
  net.cove(['run', '--rm', '--network', network, 'netlab', ...command]);

const bridges = () =>
  net
    .must('host', 'ip -o link show type bridge')
    .split('\n')
    .filter((line) => / cove-/.test(line));

before(async () => {
  net = await startNetworkLab();
  await net.startAgent(agentArgs);
  // glibc's getent, for a resolver that retries a truncated answer over TCP as programs do.
  const image = buildLabImage((rootfs) => {
    for (const file of ['/usr/bin/getent', ...librariesOf('/usr/bin/getent')]) {
      mkdirSync(join(rootfs, file, '..'), { recursive: true });
      copyFileSync(file, join(rootfs, file));
    }
  });
  try {
    const imported = net.cove(['image', 'import', image.archive, 'netlab']);
    assert.equal(imported.code, 0, imported.stderr);
  } finally {
    image.remove();
  }
  upstream = net.spawnInside('internet', [process.execPath, labDnsServer, lab.internet]);
  const www = join(net.root, 'internet-www');
  mkdirSync(www);
  writeFileSync(join(www, 'index.html'), 'from-the-internet\n');
  internetWeb = net.spawnInside('internet', ['busybox', 'httpd', '-f', '-p', '8000', '-h', www]);
  await net.eventually('internet', ['ss', '-lntu'], /198\.51\.100\.2:53 [\s\S]*:8000 /);
});

after(async () => {
  upstream?.kill();
  internetWeb?.kill();
  await net?.cleanup();
});

test('network create makes a bridge and a subnet of its own; bad input gets one line and leaves nothing', () => {
  for (const args of [['app'], ['other'], ['--internal', 'closed']]) {
    const created = net.cove(['network', 'create', ...args]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout.trim(), /^[0-9a-f]{64}$/);
  }
  const refusals: [string[], RegExp][] = [
    [['app'], /network app already exists/],
    [['--subnet', '10.89.0.0/16', 'wide'], /overlaps network app \(10\.89\.0\.0\/24\)/],
    [
      ['--subnet', '10.77.0.0/24', '--gateway', '10.78.0.1', 'far'],
      /not a host address of 10\.77\.0\.0\/24/,
    ],
    [['--subnet', '10.77.0.5/24', 'bits'], /host bits are set/],
    [['bridge'], /built-in networks/],
    [['bad name'], /a network name is/],
  ];
  for (const [args, message] of refusals) {
    const refused = net.cove(['network', 'create', ...args]);
    assert.notEqual(refused.code, 0, `network create ${args.join(' ')} should fail`);
    assert.match(refused.stderr, message);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  }
  type Listed = { name: string; subnet?: string; gateway?: string; internal: boolean };
  const listed: Listed[] = JSON.parse(net.cove(['network', 'ls', '--format', 'json']).stdout);
  const byName = new Map(listed.map((each) => [each.name, each]));
  assert.deepEqual([...byName.keys()], ['bridge', 'host', 'none', 'app', 'other', 'closed']);
  assert.equal(byName.get('app')?.subnet, '10.89.0.0/24');
  assert.equal(byName.get('app')?.gateway, '10.89.0.1');
  assert.equal(byName.get('other')?.subnet, '10.89.1.0/24');
  assert.equal(byName.get('closed')?.internal, true);
  assert.equal(bridges().length, 3, 'one bridge per network, none from the refused ones');
  assert.match(
    net.cove(['network', 'ls']).stdout,
    /app\s+bridge\s+10\.89\.0\.0\/24\s+10\.89\.0\.1/,
  );
});

test('containers on a network reach each other by name, alias and domain; a reverse lookup gives the name', async () => {
  const started = net.cove([
    'run',
    '-d',
    '--name',
    'web',
    '--network',
    'app',
    '--network-alias',
    'www',
    'netlab',
    'sh',
    '-c',
    webScript('hello-app'),
  ]);
  assert.equal(started.code, 0, started.stderr);
  const [record] = JSON.parse(net.cove(['inspect', 'web']).stdout);
  assert.equal(record.network.mode, 'app');
  assert.match(record.network.address, /^10\.89\.0\.\d+$/);
  assert.deepEqual(record.network.aliases, ['www']);
  for (const name of ['web', 'www', 'web.cove.internal', record.id.slice(0, 12)]) {
    const fetched = runOn('app', wget(`http://${name}/`));
    assert.match(fetched.stdout, /hello-app/, `by ${name}: ${fetched.stderr}`);
  }
  const reverse = runOn('app', ['busybox', 'nslookup', record.network.address]);
  assert.match(reverse.stdout, /web\.cove\.internal/, reverse.stderr);
  const resolv = runOn('app', ['cat', '/etc/resolv.conf']);
  assert.match(resolv.stdout, /^search cove\.internal\nnameserver 10\.89\.0\.1\n$/);
});

test('a name resolves as soon as its container runs, and no longer once it stops', () => {
  const started = net.cove([
    'run',
    '-d',
    '--name',
    'brief',
    '--network',
    'app',
    'netlab',
    'sleep',
    '1000',
  ]);
  assert.equal(started.code, 0, started.stderr);
  const [record] = JSON.parse(net.cove(['inspect', 'brief']).stdout);
  const address = new RegExp(record.network.address.replaceAll('.', '\\.'));
  assert.match(runOn('app', ['busybox', 'nslookup', 'brief']).stdout, address);
  assert.equal(net.cove(['stop', '-t', '0', 'brief']).code, 0);
  const after = runOn('app', ['sh', '-c', 'busybox nslookup brief; echo "exit $?"']);
  assert.doesNotMatch(after.stdout, address);
  assert.match(after.stdout, /NXDOMAIN|can't find/i);
  assert.equal(net.cove(['rm', 'brief']).code, 0);
});

test('a container on another network can neither resolve nor reach them', () => {
  const [record] = JSON.parse(net.cove(['inspect', 'web']).stdout);
  const lookup = runOn('other', ['sh', '-c', 'busybox nslookup web; echo "exit $?"']);
  assert.doesNotMatch(lookup.stdout, new RegExp(record.network.address.replaceAll('.', '\\.')));
  assert.match(lookup.stdout, /NXDOMAIN|can't find/i, lookup.stdout);
  const reached = runOn('other', wget(`http://${record.network.address}/`));
  assert.notEqual(reached.code, 0, 'another network reached web by its address');
  assert.doesNotMatch(reached.stdout, /hello-app/);
});

test('an internal network has no way out, but its members reach each other', () => {
  const started = net.cove([
    'run',
    '-d',
    '--name',
    'vault',
    '--network',
    'closed',
    'netlab',
    'sh',
    '-c',
    webScript('hello-vault'),
  ]);
  assert.equal(started.code, 0, started.stderr);
  assert.match(runOn('closed', wget('http://vault/')).stdout, /hello-vault/);
  const out = runOn('closed', wget(`http://${lab.internet}:8000/`));
  assert.notEqual(out.code, 0, 'an internal network reached the internet');
  // The same request from a network that is not internal goes through.
  assert.match(runOn('app', wget(`http://${lab.internet}:8000/`)).stdout, /from-the-internet/);
});

test("other names are forwarded to the host's resolver, over TCP when the answer is truncated", () => {
  const forwarded = runOn('app', ['busybox', 'nslookup', 'example.test']);
  assert.match(forwarded.stdout, /198\.51\.100\.2/, forwarded.stderr);
  // getent (glibc) retries over TCP when the UDP answer says it was truncated.
  const big = runOn('app', ['/usr/bin/getent', 'ahostsv4', 'big.test']);
  assert.equal(big.code, 0, big.stderr);
  const addresses = new Set(
    big.stdout
      .split('\n')
      .map((line) => line.split(/\s+/)[0])
      .filter(Boolean),
  );
  assert.equal(addresses.size, 40, big.stdout);
  const missing = runOn('app', [
    'sh',
    '-c',
    'busybox nslookup nothing.cove.internal; echo "exit $?"',
  ]);
  assert.match(missing.stdout, /NXDOMAIN|can't find/i);
});

test('network connect and disconnect change what a running container reaches, without a restart', () => {
  const started = net.cove([
    'run',
    '-d',
    '--name',
    'roamer',
    '--network',
    'other',
    'netlab',
    'sleep',
    '1000',
  ]);
  assert.equal(started.code, 0, started.stderr);
  const [before] = JSON.parse(net.cove(['inspect', 'roamer']).stdout);
  assert.notEqual(net.cove(['exec', 'roamer', ...wget('http://web/')]).code, 0);

  const connected = net.cove(['network', 'connect', '--alias', 'wanderer', 'app', 'roamer']);
  assert.equal(connected.code, 0, connected.stderr);
  const [record] = JSON.parse(net.cove(['inspect', 'roamer']).stdout);
  assert.equal(record.state.pid, before.state.pid, 'the container was not restarted');
  const [attachment] = record.network.attachments;
  assert.equal(attachment.network, 'app');
  assert.equal(attachment.interface, 'eth1');
  const eth1 = net.cove(['exec', 'roamer', 'ip', '-o', 'addr', 'show', 'eth1']);
  assert.match(eth1.stdout, new RegExp(`inet ${attachment.address.replaceAll('.', '\\.')}/24`));
  assert.match(net.cove(['exec', 'roamer', ...wget('http://web/')]).stdout, /hello-app/);
  // And the others on app find it by its alias there.
  const [web] = JSON.parse(net.cove(['inspect', 'web']).stdout);
  assert.match(
    runOn('app', ['busybox', 'nslookup', 'wanderer']).stdout,
    new RegExp(attachment.address.replaceAll('.', '\\.')),
  );

  const twice = net.cove(['network', 'connect', 'app', 'roamer']);
  assert.match(twice.stderr, /already on network app/);
  const first = net.cove(['network', 'disconnect', 'other', 'roamer']);
  assert.match(first.stderr, /first network/);

  const disconnected = net.cove(['network', 'disconnect', 'app', 'roamer']);
  assert.equal(disconnected.code, 0, disconnected.stderr);
  assert.notEqual(
    net.cove(['exec', 'roamer', 'ip', 'link', 'show', 'eth1']).code,
    0,
    'eth1 is gone',
  );
  assert.notEqual(net.cove(['exec', 'roamer', ...wget(`http://${web.network.address}/`)]).code, 0);
  const leases = readdirSync(join(net.root, 'network', 'leases'));
  assert.ok(!leases.includes(attachment.address), 'the address on app was given back');
});

test('bad container network input is refused with one line and leaves no container', () => {
  const cases: [string[], RegExp][] = [
    [['--network', 'nowhere'], /network nowhere does not exist/],
    [['--network', 'app', '--ip', '10.89.1.9'], /outside network app's subnet 10\.89\.0\.0\/24/],
    [['--network', 'app', '--network-alias', 'not_a_label'], /an alias is a DNS label/],
    [['--network', 'none', '--network-alias', 'x'], /need a user-defined network/],
  ];
  const before = net.cove(['ps', '-aq']).stdout;
  for (const [flags, message] of cases) {
    const refused = net.cove(['run', '--rm', ...flags, 'netlab', 'true']);
    assert.notEqual(refused.code, 0, flags.join(' '));
    assert.match(refused.stderr, message);
  }
  const [web] = JSON.parse(net.cove(['inspect', 'web']).stdout);
  const taken = net.cove([
    'run',
    '--rm',
    '--network',
    'app',
    '--ip',
    web.network.address,
    'netlab',
    'true',
  ]);
  assert.match(taken.stderr, /is taken by container/);
  assert.equal(net.cove(['ps', '-aq']).stdout, before, 'no container was left behind');
  const inUse = net.cove(['network', 'rm', 'app']);
  assert.notEqual(inUse.code, 0);
  assert.match(inUse.stderr, /network app has containers: web \(remove them/);
});

test('after an agent SIGKILL and restart, names and reachability come back', async () => {
  await net.stopAgent('SIGKILL');
  await net.startAgent(agentArgs);
  const [app] = JSON.parse(net.cove(['network', 'inspect', 'app']).stdout);
  const web = app.members.find((member: { name: string }) => member.name === 'web');
  assert.match(web?.address ?? '', /^10\.89\.0\.\d+$/, 'the network still lists web, running');
  assert.deepEqual(web?.aliases, ['www']);
  assert.match(runOn('app', wget('http://web/')).stdout, /hello-app/);
  assert.match(runOn('closed', wget('http://vault/')).stdout, /hello-vault/);
  assert.notEqual(runOn('closed', wget(`http://${lab.internet}:8000/`)).code, 0);
});

test('with every container and network removed and the agent stopped, nothing is left', async () => {
  const ids = net.cove(['ps', '-aq']).stdout.trim().split('\n').filter(Boolean);
  assert.equal(net.cove(['rm', '-f', ...ids]).code, 0);
  const removed = net.cove(['network', 'rm', 'app', 'other', 'closed']);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(bridges(), []);
  assert.equal(net.cove(['network', 'prune']).code, 0);
  await net.stopAgent();
  assert.doesNotMatch(net.must('host', 'nft list tables'), /cove/);
  assert.deepEqual(readdirSync(join(net.root, 'network', 'leases')), []);
  assert.doesNotMatch(net.must('host', 'ss -lntu'), /:53 /, 'no DNS server is left listening');
});
