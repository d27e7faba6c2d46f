import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ContainerSpecSchema,
  formatPublishedPort,
  NetworkCreateSchema,
  NetworkNameSchema,
  parsePortMapping,
  SubnetSchema,
} from '../src/index.js';

test("-p takes Docker's forms: CTR, HOST:CTR, IP:HOST:CTR, IP::CTR, each with /tcp or /udp", () => {
  assert.deepEqual(parsePortMapping('80'), { containerPort: 80, protocol: 'tcp' });
  assert.deepEqual(parsePortMapping('8080:80'), {
    hostPort: 8080,
    containerPort: 80,
    protocol: 'tcp',
  });
  assert.deepEqual(parsePortMapping('127.0.0.1:8080:80/udp'), {
    hostIp: '127.0.0.1',
    hostPort: 8080,
    containerPort: 80,
    protocol: 'udp',
  });
  assert.deepEqual(parsePortMapping('127.0.0.1::53/udp'), {
    hostIp: '127.0.0.1',
    containerPort: 53,
    protocol: 'udp',
  });
});

test('a bad -p is one error naming the text and what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['0:80', /invalid port "0:80": hostPort a port is 1 to 65535/],
    ['8080:70000', /invalid port "8080:70000"/],
    ['http:80', /the host port "http" is not a number/],
    ['80/sctp', /the protocol is \/tcp or \/udp/],
    ['1.2.3:80:80', /hostIp must be an IPv4 address/],
    ['a:b:c:d', /expected \[HOSTIP:\]\[HOSTPORT:\]CONTAINERPORT/],
    ['', /the container port "" is not a number/],
  ];
  for (const [text, expected] of cases) assert.throws(() => parsePortMapping(text), expected, text);
});

test('a spec refuses a host port published twice, and ports off the bridge', () => {
  const twice = ContainerSpecSchema.safeParse({
    image: 'busybox',
    ports: [parsePortMapping('8080:80'), parsePortMapping('8080:81')],
  });
  assert.match(twice.error?.issues[0]?.message ?? '', /host port 8080\/tcp is published twice/);
  const otherProtocol = ContainerSpecSchema.safeParse({
    image: 'busybox',
    ports: [parsePortMapping('53:53'), parsePortMapping('53:53/udp')],
  });
  assert.equal(otherProtocol.success, true);
  const onNone = ContainerSpecSchema.safeParse({
    image: 'busybox',
    network: 'none',
    ports: [parsePortMapping('8080:80')],
  });
  assert.match(
    onNone.error?.issues[0]?.message ?? '',
    /ports are published on a bridge network, not on "none"/,
  );
  assert.equal(
    ContainerSpecSchema.safeParse({ image: 'b', network: 'container:web' }).success,
    true,
  );
  assert.equal(ContainerSpecSchema.safeParse({ image: 'b', network: 'container:' }).success, false);
  assert.equal(ContainerSpecSchema.safeParse({ image: 'b', network: 'bad/name' }).success, false);
  // Any other plain name is a user-defined network's, which may publish ports too.
  const onUserNetwork = ContainerSpecSchema.safeParse({
    image: 'b',
    network: 'app',
    ports: [parsePortMapping('8080:80')],
  });
  assert.equal(onUserNetwork.success, true);
});

test('aliases, --ip and more networks need a user-defined network, each network once', () => {
  const message = (input: object) =>
    ContainerSpecSchema.safeParse({ image: 'b', ...input }).error?.issues[0]?.message ?? '';
  assert.match(
    message({ network: 'bridge', networkAliases: ['db'] }),
    /need a user-defined network/,
  );
  assert.match(message({ network: 'none', ip: '10.89.0.5' }), /need a user-defined network/);
  assert.match(message({ network: 'app', networkAliases: ['-db'] }), /an alias is a DNS label/);
  assert.match(
    message({ network: 'host', moreNetworks: [{ network: 'app' }] }),
    /cannot join more networks/,
  );
  assert.match(
    message({ network: 'app', moreNetworks: [{ network: 'app' }] }),
    /network app is given twice/,
  );
  const fine = ContainerSpecSchema.safeParse({
    image: 'b',
    network: 'app',
    networkAliases: ['db', 'database'],
    ip: '10.89.0.5',
    moreNetworks: [{ network: 'back', aliases: ['store'] }],
  });
  assert.equal(fine.success, true, JSON.stringify(fine.error?.issues));
});

test('a network is named plainly, never as a built-in one; a subnet is checked as it is typed', () => {
  assert.equal(NetworkNameSchema.safeParse('app-1.prod_x').success, true);
  for (const name of ['bridge', 'host', 'none', '-app', 'a/b', 'a b', 'x'.repeat(65)]) {
    assert.equal(NetworkNameSchema.safeParse(name).success, false, name);
  }
  const subnetMessage = (text: string) => SubnetSchema.safeParse(text).error?.issues[0]?.message;
  assert.equal(subnetMessage('10.89.5.0/24'), undefined);
  assert.match(
    subnetMessage('10.89.5.1/24') ?? '',
    /host bits are set \(did you mean 10\.89\.5\.0\/24\?\)/,
  );
  assert.match(subnetMessage('10.300.0.0/16') ?? '', /not an IPv4 address/);
  assert.match(subnetMessage('10.0.0.0/4') ?? '', /a \/8 to a \/30/);
  assert.match(subnetMessage('bad') ?? '', /a subnet is A\.B\.C\.D\/N/);
  const request = NetworkCreateSchema.parse({ name: 'app' });
  assert.equal(request.internal, false);
});

test('a published port reads as docker ps prints it', () => {
  assert.equal(
    formatPublishedPort({ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }),
    '0.0.0.0:8080->80/tcp',
  );
});
