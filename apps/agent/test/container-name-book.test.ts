import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LeaseWatch, NetworkAddress } from '@cove/core';
import { createContainerNameBook } from '../src/server/names/container-name-book.js';

// The names Cove's DNS answers, from addresses shaped as the engine's leases give them.
const at = (
  network: string,
  address: string,
  containerId: string,
  names: string[],
): NetworkAddress => ({ network, address, containerId: containerId.padEnd(64, '0'), names });

const addresses = [
  at('app', '10.89.0.2', 'aaaa11112222', ['Web', 'www']),
  at('app', '10.89.0.3', 'bbbb11112222', ['db']),
  at('back', '10.89.2.2', 'bbbb11112222', ['db', 'store']),
  at('elsewhere', '10.89.1.2', 'cccc11112222', ['other']),
  at('back', '10.89.2.3', 'dddd11112222', ['worker']),
];

const bookOf = (list: NetworkAddress[], changedAt = () => 1) =>
  createContainerNameBook({ addresses: () => list, addressesChangedAt: changedAt });

test('a container sees the names, aliases and short ids of those that share a network with it', () => {
  const book = bookOf(addresses);
  assert.deepEqual(book.lookup('10.89.0.3', 'web'), ['10.89.0.2'], 'names are lower case');
  assert.deepEqual(book.lookup('10.89.0.3', 'www'), ['10.89.0.2']);
  assert.deepEqual(book.lookup('10.89.0.3', 'aaaa11112222'), ['10.89.0.2']);
  // db is on app and back: on back it is at its back address, under its alias there.
  assert.deepEqual(book.lookup('10.89.2.3', 'db'), ['10.89.2.2']);
  assert.deepEqual(book.lookup('10.89.2.3', 'store'), ['10.89.2.2']);
  assert.equal(book.lookup('10.89.0.2', 'store'), undefined, "an alias is its network's only");
  // And db, asking from its first network's address, sees worker on its second.
  assert.deepEqual(book.lookup('10.89.0.3', 'worker'), ['10.89.2.3']);
  assert.deepEqual(book.reverse('10.89.0.3', '10.89.0.2'), ['web.cove.internal']);
});

test('nothing is seen across networks, and only containers are served', () => {
  const book = bookOf(addresses);
  assert.equal(book.lookup('10.89.1.2', 'web'), undefined);
  assert.equal(book.reverse('10.89.1.2', '10.89.0.2'), undefined);
  assert.equal(book.serves('10.89.1.2'), true);
  assert.equal(book.serves('10.88.0.2'), false, 'the default bridge has no names');
  assert.equal(book.serves('192.0.2.1'), false, 'a neighbour of the host is no container');
});

test('the addresses are read again when the leases change or an event says so, not per query', async () => {
  const nextQuestion = () => new Promise((resolve) => setImmediate(resolve));
  let reads = 0;
  let stats = 0;
  let changedAt = 1;
  const live = [...addresses];
  const book = createContainerNameBook({
    addresses: () => {
      reads++;
      return live;
    },
    addressesChangedAt: () => {
      stats++;
      return changedAt;
    },
  });
  // One question: whether the asker is served, then the name; one stat(2) for both.
  book.serves('10.89.0.3');
  book.lookup('10.89.0.3', 'web');
  assert.equal(stats, 1);
  await nextQuestion();
  book.lookup('10.89.0.3', 'www');
  assert.equal(reads, 1, 'the leases did not change');
  assert.equal(stats, 2);
  live.push(at('app', '10.89.0.7', '999911112222', ['late']));
  await nextQuestion();
  assert.equal(book.lookup('10.89.0.3', 'late'), undefined, 'no lease changed yet');
  changedAt = 2; // a new lease: a container is starting
  await nextQuestion();
  assert.deepEqual(book.lookup('10.89.0.3', 'late'), ['10.89.0.7']);
  assert.equal(reads, 2);
  book.invalidate(); // a connect or disconnect: aliases may have changed
  book.lookup('10.89.0.3', 'late');
  assert.equal(reads, 3);
});

test('with the leases watched a known name costs no stat(2); a "no" is confirmed by one; a lost watch stats again', async () => {
  const nextQuestion = () => new Promise((resolve) => setImmediate(resolve));
  let reads = 0;
  let stats = 0;
  let changedAt = 1;
  let told: LeaseWatch | undefined;
  let closed = false;
  const live = [...addresses];
  const book = createContainerNameBook({
    addresses: () => {
      reads++;
      return live;
    },
    addressesChangedAt: () => {
      stats++;
      return changedAt;
    },
    watchAddresses: (watcher) => {
      told = watcher;
      return {
        close: () => {
          closed = true;
        },
      };
    },
  });
  assert.deepEqual(book.lookup('10.89.0.3', 'web'), ['10.89.0.2']);
  assert.ok(told, 'the first question starts the watch');
  const statsAfterFirst = stats;
  for (let i = 0; i < 5; i++) {
    await nextQuestion();
    assert.equal(book.serves('10.89.0.3'), true);
    assert.deepEqual(book.lookup('10.89.0.3', 'web'), ['10.89.0.2']);
  }
  assert.equal(stats, statsAfterFirst, 'known names are answered from memory');
  assert.equal(reads, 1);

  // A lease taken whose event has not arrived yet: the "no" is checked and becomes a yes.
  live.push(at('app', '10.89.0.7', '999911112222', ['late']));
  changedAt = 2;
  await nextQuestion();
  assert.deepEqual(book.lookup('10.89.0.3', 'late'), ['10.89.0.7']);
  assert.equal(stats, statsAfterFirst + 1);
  assert.equal(reads, 2);

  // A container gone: its lease's event makes the book read again.
  live.pop();
  changedAt = 3;
  told?.changed();
  await nextQuestion();
  assert.equal(book.lookup('10.89.0.3', 'late'), undefined);
  assert.equal(reads, 3);

  // The watch failed: back to a stat(2) per question, and a new watch is tried.
  told?.lost();
  await nextQuestion();
  const statsBefore = stats;
  book.lookup('10.89.0.3', 'web');
  assert.equal(stats, statsBefore + 1);
  book.close();
  assert.equal(closed, true);
});
