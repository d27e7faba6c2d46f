import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import {
  createUpstreamSockets,
  type LentSocket,
  type UpstreamSockets,
} from '../src/server/dns/upstream-sockets.js';

// The upstream sockets: one exchange at a time on each, reused only after an answer, for
// a bounded number of exchanges. Against a real UDP echo server on loopback, which tells
// which source port each datagram came from.

async function echoServer() {
  const server = createSocket('udp4');
  const ports: number[] = [];
  server.on('message', (message, remote) => {
    ports.push(remote.port);
    server.send(message, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  return {
    upstream: { address: '127.0.0.1', port: server.address().port },
    ports,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const take = (sockets: UpstreamSockets, upstream: { address: string; port: number }) =>
  new Promise<LentSocket>((resolve, reject) =>
    sockets.take(upstream, (error, lent) => (lent ? resolve(lent) : reject(error))),
  );

/** Sends one datagram on `lent` and waits for its echo. */
const exchange = (lent: LentSocket, text: string) =>
  new Promise<string>((resolve, reject) => {
    lent.listen({ message: (answer) => resolve(answer.toString()), error: reject });
    lent.send(Buffer.from(text));
  });

/** Whether `lent`'s socket is closed: a send on a closed one throws at once. */
function isClosed(lent: LentSocket): boolean {
  try {
    lent.send(Buffer.from('probe'));
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_SOCKET_DGRAM_NOT_RUNNING';
  }
}

test('a socket given back after an answer serves the next exchange, up to its last use', async () => {
  const echo = await echoServer();
  const sockets = createUpstreamSockets({ maxUses: 3, maxIdle: 4 });
  const lents: LentSocket[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const lent = await take(sockets, echo.upstream);
      lents.push(lent);
      assert.equal(await exchange(lent, `q${i}`), `q${i}`);
      sockets.give(lent, true);
    }
    const [first, second, third, fourth] = echo.ports;
    assert.equal(second, first, 'the second exchange reuses the socket');
    assert.equal(third, first);
    assert.notEqual(fourth, first, 'after three uses it is closed and a new one made');
    assert.ok(isClosed(lents[0] as LentSocket), 'the used-up socket is closed');
    assert.ok(!isClosed(lents[3] as LentSocket), 'the new one is idle, open');
    sockets.close();
    assert.ok(isClosed(lents[3] as LentSocket), 'close() closes the idle ones');
  } finally {
    sockets.close();
    await echo.close();
  }
});

test('exchanges in flight together have sockets of their own; one without an answer is not reused', async () => {
  const echo = await echoServer();
  const sockets = createUpstreamSockets({ maxUses: 100, maxIdle: 4 });
  try {
    const [a, b] = await Promise.all([take(sockets, echo.upstream), take(sockets, echo.upstream)]);
    assert.ok(a && b);
    await Promise.all([exchange(a, 'a'), exchange(b, 'b')]);
    assert.equal(new Set(echo.ports).size, 2, 'two exchanges at once, two source ports');
    sockets.give(a, false); // say it timed out: its answer might still come
    sockets.give(b, false);
    assert.ok(isClosed(a) && isClosed(b), 'closed when given back without an answer');
    const next = await take(sockets, echo.upstream);
    await exchange(next, 'c');
    assert.equal(new Set(echo.ports).size, 3, 'a socket without its answer is never lent again');
    sockets.give(next, true);
  } finally {
    sockets.close();
    await echo.close();
  }
});

test('a socket given back after close() is closed, not kept', async () => {
  const echo = await echoServer();
  const sockets = createUpstreamSockets({ maxUses: 100, maxIdle: 4 });
  const lent = await take(sockets, echo.upstream);
  sockets.close();
  sockets.give(lent, true);
  await echo.close();
  assert.ok(isClosed(lent));
});
