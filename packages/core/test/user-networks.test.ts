import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { leaseAddress, leaseChosenAddress } from '../src/network/address-leases.js';
import { hostInterfaceName } from '../src/network/container-veth.js';
import type { HostRoute } from '../src/network/host-routes.js';
import { parseSubnet } from '../src/network/ipv4.js';
import {
  createUserNetwork,
  deleteUserNetwork,
  findUserNetwork,
  listUserNetworks,
} from '../src/network/user-networks.js';
import { storeLayout } from '../src/store/store-layout.js';

// User-defined networks' bookkeeping, in a store of the test's own: no kernel involved
// (apps/agent/test/network-user.test.ts makes their bridges inside test namespaces).
const withStore = (check: (layout: ReturnType<typeof storeLayout>) => void) => {
  const root = mkdtempSync(join(tmpdir(), 'cove-user-networks-'));
  try {
    check(storeLayout(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};

const route = (interfaceName: string, cidr: string): HostRoute => ({
  interfaceName,
  destination: parseSubnet(cidr),
});

test('networks get /24s of their own, clear of host routes, the bridge and each other', () =>
  withStore((layout) => {
    const defaultRoute = { interfaceName: 'eth0', destination: { network: 0, prefixLength: 0 } };
    const routes = [route('eth0', '10.89.0.0/24'), defaultRoute];
    const first = createUserNetwork(layout, { name: 'app' }, routes, '10.88.0.0/16');
    assert.equal(first.subnet, '10.89.1.0/24', 'the host route took 10.89.0.0/24');
    assert.equal(first.gateway, '10.89.1.1');
    assert.match(first.bridge, /^cove-[0-9a-f]{10}$/);
    const second = createUserNetwork(layout, { name: 'db', internal: true }, routes, undefined);
    assert.equal(second.subnet, '10.89.2.0/24');
    assert.equal(second.internal, true);
    // A route on one of Cove's own bridges is not a clash: it is the network itself.
    const own = [...routes, route(first.bridge, first.subnet)];
    const third = createUserNetwork(layout, { name: 'cache' }, own, undefined);
    assert.equal(third.subnet, '10.89.3.0/24');
    assert.deepEqual(
      listUserNetworks(layout).map((network) => network.name),
      ['app', 'db', 'cache'],
    );
    assert.equal(findUserNetwork(layout, first.id.slice(0, 6)).name, 'app');
    deleteUserNetwork(layout, second);
    assert.throws(() => findUserNetwork(layout, 'db'), /network db does not exist/);
  }));

test('a subnet or gateway that cannot work is refused in one sentence, and nothing is kept', () =>
  withStore((layout) => {
    createUserNetwork(layout, { name: 'app', subnet: '10.50.0.0/24' }, [], '10.88.0.0/16');
    const refusals: [Parameters<typeof createUserNetwork>[1], RegExp][] = [
      [{ name: 'app' }, /network app already exists/],
      [{ name: 'wide', subnet: '10.50.0.0/16' }, /overlaps network app \(10\.50\.0\.0\/24\)/],
      [
        { name: 'near', subnet: '10.88.5.0/24' },
        /overlaps the bridge network \(10\.88\.0\.0\/16\)/,
      ],
      [
        { name: 'home', subnet: '192.168.1.0/24' },
        /overlaps the host's route to 192\.168\.1\.0\/24 on eth0/,
      ],
      [{ name: 'bits', subnet: '10.60.0.7/24' }, /host bits are set/],
      [
        { name: 'far', subnet: '10.60.0.0/24', gateway: '10.61.0.1' },
        /not a host address of 10\.60\.0\.0\/24/,
      ],
      [{ name: 'edge', subnet: '10.60.0.0/24', gateway: '10.60.0.255' }, /not a host address/],
      [{ name: 'host' }, /built-in networks/],
      [{ name: '-x' }, /a network name is/],
    ];
    for (const [request, message] of refusals) {
      assert.throws(
        () => createUserNetwork(layout, request, [route('eth0', '192.168.1.0/24')], '10.88.0.0/16'),
        message,
      );
    }
    assert.deepEqual(
      readdirSync(join(layout.network, 'networks')),
      ['app.json'],
      'no file is left by a refused create',
    );
  }));

test('a chosen gateway is never leased; --ip takes exactly its address, once', () =>
  withStore((layout) => {
    const network = createUserNetwork(
      layout,
      { name: 'app', subnet: '10.70.0.0/24', gateway: '10.70.0.2' },
      [],
      undefined,
    );
    // The usual first host is free when the gateway is elsewhere: --ip may take it.
    assert.equal(leaseChosenAddress(layout, network, '10.70.0.1', 'a'), '10.70.0.1');
    assert.equal(leaseAddress(layout, network.subnet, 'b', network.gateway), '10.70.0.3');
    assert.throws(
      () => leaseChosenAddress(layout, network, '10.70.0.3', 'c'),
      /is taken by container b/,
    );
    assert.throws(
      () => leaseChosenAddress(layout, network, '10.70.0.2', 'c'),
      /not a free host address/,
    );
    assert.throws(
      () => leaseChosenAddress(layout, network, '10.70.0.255', 'c'),
      /not a free host address/,
    );
  }));

test("a container's further interfaces get host names no other container's can take", () => {
  const id = 'abcdef0123456789';
  assert.equal(hostInterfaceName(id), 'vethabcdef01234');
  assert.equal(hostInterfaceName(id, 1), 'vethabcdef0123g');
  assert.equal(hostInterfaceName(id, 2), 'vethabcdef0123h');
  for (const index of [0, 1, 20]) assert.ok(hostInterfaceName(id, index).length <= 15);
});
