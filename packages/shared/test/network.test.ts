import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerSpecSchema, formatPublishedPort, parsePortMapping } from '../src/index.js';

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
    /ports are published on the bridge network, not on "none"/,
  );
  assert.equal(
    ContainerSpecSchema.safeParse({ image: 'b', network: 'container:web' }).success,
    true,
  );
  assert.equal(ContainerSpecSchema.safeParse({ image: 'b', network: 'container:' }).success, false);
  assert.equal(ContainerSpecSchema.safeParse({ image: 'b', network: 'macvlan' }).success, false);
});

test('a published port reads as docker ps prints it', () => {
  assert.equal(
    formatPublishedPort({ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }),
    '0.0.0.0:8080->80/tcp',
  );
});
