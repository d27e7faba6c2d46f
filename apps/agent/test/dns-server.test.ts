import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import dnsPacket, { type DecodedPacket, type Packet, type RecordType } from 'dns-packet';
import { type DnsServer, type NameBook, startDnsServer } from '../src/server/dns/dns-server.js';

// Every socket here is on loopback: the server, the fake upstreams and the clients.
const loopback = '127.0.0.1';

/** dns-packet decodes the response code as a name, though its type declarations leave it out. */
type Answer = DecodedPacket & { rcode: string };

/**
 * Only 127.0.0.1 shares a network with `web`; 127.0.0.2 plays a container that does not;
 * 127.0.0.3 is no container at all (a neighbour of the host).
 */
const book: NameBook = {
  domain: 'cove.internal',
  serves: (source) => source !== '127.0.0.3',
  lookup: (source, name) => (source === loopback && name === 'web' ? ['10.89.0.2'] : undefined),
  reverse: (source, address) =>
    source === loopback && address === '10.89.0.2' ? ['web.cove.internal'] : undefined,
};

const query = (name: string, type: RecordType = 'A', id = 4242): Packet => ({
  type: 'query',
  id,
  flags: dnsPacket.RECURSION_DESIRED,
  questions: [{ type, name, class: 'IN' }],
});

// --- Clients ---------------------------------------------------------------------------

/** Sends `message` over UDP from `from` and resolves with the reply, or undefined after `waitMs`. */
async function udpExchange(
  port: number,
  message: Buffer,
  { from = loopback, waitMs = 2000 } = {},
): Promise<Buffer | undefined> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, from, resolve));
    const reply = once(socket, 'message').then(([data]) => data as Buffer);
    socket.send(message, port, loopback);
    return await Promise.race([reply, sleep(waitMs, undefined, { ref: false })]);
  } finally {
    socket.close();
  }
}

async function askUdp(port: number, packet: Packet, from = loopback): Promise<Answer> {
  const reply = await udpExchange(port, dnsPacket.encode(packet), { from });
  assert.ok(reply, `no UDP reply to ${packet.questions?.[0]?.name}`);
  return dnsPacket.decode(reply) as Answer;
}

/** A DNS-over-TCP client that reads length-prefixed replies however they are split. */
class TcpClient {
  private buffered = Buffer.alloc(0);
  private readonly waiting: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    // A reset from the server shows up as the close that the tests wait for.
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      for (const wake of this.waiting.splice(0)) wake();
    });
    this.closed = once(socket, 'close').then(() => {
      for (const wake of this.waiting.splice(0)) wake();
    });
  }

  static async connect(port: number): Promise<TcpClient> {
    const socket = connect({ host: loopback, port });
    await once(socket, 'connect');
    return new TcpClient(socket);
  }

  send(packet: Packet): void {
    this.socket.write(dnsPacket.streamEncode(packet));
  }

  /** The next reply; fails when the connection closes or nothing whole arrives in time. */
  async reply(timeoutMs = 2000): Promise<Answer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const length = this.buffered.length >= 2 ? this.buffered.readUInt16BE(0) : undefined;
      if (length !== undefined && this.buffered.length >= 2 + length) {
        const reply = dnsPacket.streamDecode(this.buffered.subarray(0, 2 + length)) as Answer;
        this.buffered = this.buffered.subarray(2 + length);
        return reply;
      }
      if (this.socket.destroyed) throw new Error('the server closed the connection');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no whole TCP reply in time');
      await Promise.race([
        new Promise<void>((wake) => this.waiting.push(wake)),
        sleep(left, undefined, { ref: false }),
      ]);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** `promise`, or a failure naming `what` when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms, undefined, { ref: false }).then(() => {
      throw new Error(`${what} did not happen within ${ms} ms`);
    }),
  ]);
}

/** Polls `condition` until it holds, failing after `ms`. */
async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(10);
  }
}

async function askTcp(port: number, packet: Packet): Promise<Answer> {
  const client = await TcpClient.connect(port);
  try {
    client.send(packet);
    return await client.reply();
  } finally {
    client.close();
  }
}

// --- Fake upstreams --------------------------------------------------------------------

interface FakeUpstream {
  port: number;
  /** The queries it received, in order. */
  seen: { transport: 'udp' | 'tcp'; name: string; id: number }[];
  /** TCP connections to it still open. */
  openConnections(): number;
  close(): Promise<void>;
}

const bigAnswerCount = 40;
/** NXDOMAIN; dns-packet takes a response code in the low bits of `flags`. */
const nameErrorRcode = 3;

/** What the fake upstream says; `undefined` means it stays silent. */
type Answerer = (query: DecodedPacket, transport: 'udp' | 'tcp') => Packet | undefined;

/**
 * example.test has one address; big.test has 40, which over UDP come back truncated (TC, no
 * records) and over TCP in full; wrong-id.test is answered with another id; the rest is
 * NXDOMAIN.
 */
const publicDns: Answerer = (asked, transport) => {
  const question = asked.questions?.[0];
  const name = question?.name ?? '';
  const response = (flags: number, answers: Packet['answers'] = [], id = asked.id): Packet => ({
    type: 'response',
    id,
    flags: flags | dnsPacket.RECURSION_AVAILABLE,
    questions: asked.questions,
    answers,
  });
  if (name === 'example.test') {
    return response(0, [{ type: 'A', name, ttl: 60, data: '192.0.2.10' }]);
  }
  if (name === 'big.test') {
    if (transport === 'udp') return response(dnsPacket.TRUNCATED_RESPONSE);
    return response(
      0,
      Array.from({ length: bigAnswerCount }, (_, i) => ({
        type: 'A' as const,
        name,
        ttl: 60,
        data: `192.0.2.${i + 1}`,
      })),
    );
  }
  if (name === 'wrong-id.test') {
    return response(0, [{ type: 'A', name, data: '192.0.2.66' }], ((asked.id ?? 0) + 1) & 0xffff);
  }
  return response(nameErrorRcode);
};

const silent: Answerer = () => undefined;

/** A DNS server on loopback, UDP and TCP on one port, answering as `answer` says. */
async function startFakeUpstream(answer: Answerer): Promise<FakeUpstream> {
  const seen: FakeUpstream['seen'] = [];
  const connections = new Set<Socket>();
  const tcp: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const end = 2 + buffered.readUInt16BE(0);
        const asked = dnsPacket.streamDecode(buffered.subarray(0, end)) as DecodedPacket;
        buffered = buffered.subarray(end);
        seen.push({ transport: 'tcp', name: asked.questions?.[0]?.name ?? '', id: asked.id ?? -1 });
        const reply = answer(asked, 'tcp');
        if (reply) socket.write(dnsPacket.streamEncode(reply));
      }
    });
  });

  // The free UDP port may be taken on the TCP side (a client's ephemeral port): try another.
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket('udp4');
    udp.on('message', (message, remote) => {
      const asked = dnsPacket.decode(message);
      seen.push({ transport: 'udp', name: asked.questions?.[0]?.name ?? '', id: asked.id ?? -1 });
      const reply = answer(asked, 'udp');
      if (reply) udp.send(dnsPacket.encode(reply), remote.port, remote.address);
    });
    await new Promise<void>((resolve) => udp.bind(0, loopback, resolve));
    const port = udp.address().port;
    const closeUdp = () => new Promise<void>((resolve) => udp.close(() => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, loopback, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await closeUdp();
      if (attempt === 5) throw error;
      continue;
    }
    return {
      port,
      seen,
      openConnections: () => connections.size,
      close: async () => {
        for (const socket of connections) socket.destroy();
        await Promise.all([closeUdp(), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
      },
    };
  }
}

// --- The server under test -------------------------------------------------------------

let upstream: FakeUpstream;
let server: DnsServer;

before(async () => {
  upstream = await startFakeUpstream(publicDns);
  server = await startDnsServer({
    address: loopback,
    port: 0,
    book,
    upstreams: [{ address: loopback, port: upstream.port }],
    upstreamTimeoutMs: 500,
  });
});

after(async () => {
  await server.close();
  await upstream.close();
});

/** Runs `body` against a server of its own whose upstreams are the given fakes, then closes it all. */
async function withServer(
  upstreams: FakeUpstream[],
  upstreamTimeoutMs: number,
  body: (server: DnsServer) => Promise<void>,
): Promise<void> {
  const own = await startDnsServer({
    address: loopback,
    port: 0,
    book,
    upstreams: upstreams.map((fake) => ({ address: loopback, port: fake.port })),
    upstreamTimeoutMs,
  });
  try {
    await body(own);
  } finally {
    await own.close();
    await Promise.all(upstreams.map((fake) => fake.close()));
  }
}

function assertContainerAnswer(reply: Answer, name: string, id: number): void {
  assert.equal(reply.rcode, 'NOERROR');
  assert.equal(reply.id, id);
  assert.equal(reply.type, 'response');
  assert.ok(reply.flag_aa, 'authoritative');
  assert.ok(reply.flag_ra, 'recursion available');
  assert.ok(reply.flag_rd, 'recursion desired is copied');
  assert.deepEqual(reply.questions, [{ name, type: 'A', class: 'IN' }]);
  assert.deepEqual(
    reply.answers?.map((record) => [record.name, record.type, 'data' in record && record.data]),
    [[name, 'A', '10.89.0.2']],
  );
}

// --- Cove's own names ------------------------------------------------------------------

test('answers A for a container by its bare name, authoritatively, with the id and question', async () => {
  assertContainerAnswer(await askUdp(server.port, query('web', 'A', 7)), 'web', 7);
});

test('answers A for a container under the search domain, whatever the case', async () => {
  assertContainerAnswer(
    await askUdp(server.port, query('web.cove.internal', 'A', 8)),
    'web.cove.internal',
    8,
  );
  assertContainerAnswer(
    await askUdp(server.port, query('WEB.Cove.INTERNAL', 'A', 9)),
    'WEB.Cove.INTERNAL',
    9,
  );
  assertContainerAnswer(
    await askTcp(server.port, query('Web.cove.internal', 'A', 10)),
    'Web.cove.internal',
    10,
  );
});

test('answers AAAA for a container with NOERROR and no records (no IPv6)', async () => {
  const seenBefore = upstream.seen.length;
  for (const name of ['web', 'web.cove.internal']) {
    const reply = await askUdp(server.port, query(name, 'AAAA'));
    assert.equal(reply.rcode, 'NOERROR', name);
    assert.ok(reply.flag_aa);
    assert.deepEqual(reply.answers, [], name);
  }
  assert.equal(upstream.seen.length, seenBefore, 'nothing about a container is forwarded');
});

test('answers NXDOMAIN with the SOA for a name under the domain that the book does not know', async () => {
  const seenBefore = upstream.seen.length;
  for (const name of ['nope.cove.internal', 'a.web.cove.internal']) {
    const reply = await askUdp(server.port, query(name));
    assert.equal(reply.rcode, 'NXDOMAIN', name);
    assert.ok(reply.flag_aa);
    assert.deepEqual(reply.answers, []);
    assert.deepEqual(
      reply.authorities?.map((record) => [record.type, record.name]),
      [['SOA', 'cove.internal']],
    );
  }
  assert.equal(upstream.seen.length, seenBefore, 'names under the domain are never forwarded');
});

test('asks the book with the client address: a container on another network does not see web', async () => {
  const reply = await askUdp(server.port, query('web.cove.internal'), '127.0.0.2');
  assert.equal(reply.rcode, 'NXDOMAIN');
  assert.deepEqual(reply.answers, []);
});

test('refuses anyone who is not a container, and forwards nothing for them', async () => {
  const seenBefore = upstream.seen.length;
  for (const name of ['web', 'example.test']) {
    const reply = await askUdp(server.port, query(name), '127.0.0.3');
    assert.equal(reply.rcode, 'REFUSED', name);
    assert.deepEqual(reply.answers, []);
  }
  assert.equal(upstream.seen.length, seenBefore, 'a stranger got nothing forwarded');
});

test('answers PTR for a container address with its name', async () => {
  const reply = await askUdp(server.port, query('2.0.89.10.in-addr.arpa', 'PTR', 11));
  assert.equal(reply.rcode, 'NOERROR');
  assert.equal(reply.id, 11);
  assert.ok(reply.flag_aa);
  assert.deepEqual(
    reply.answers?.map((record) => [record.name, record.type, 'data' in record && record.data]),
    [['2.0.89.10.in-addr.arpa', 'PTR', 'web.cove.internal']],
  );
});

// --- Forwarding ------------------------------------------------------------------------

test('forwards other names to the upstream and gives the answer back under the client id', async () => {
  const seenBefore = upstream.seen.length;
  const reply = await askUdp(server.port, query('example.test', 'A', 0xbeef));
  assert.equal(reply.id, 0xbeef);
  assert.equal(reply.rcode, 'NOERROR');
  assert.ok(!reply.flag_aa, 'the upstream is not authoritative here');
  assert.deepEqual(
    reply.answers?.map((record) => 'data' in record && record.data),
    ['192.0.2.10'],
  );
  assert.deepEqual(
    upstream.seen.slice(seenBefore).map((seen) => [seen.transport, seen.name]),
    [['udp', 'example.test']],
  );
});

test('forwards a bare name and a reverse lookup the book does not know', async () => {
  const seenBefore = upstream.seen.length;
  assert.equal((await askUdp(server.port, query('printer'))).rcode, 'NXDOMAIN');
  assert.equal(
    (await askUdp(server.port, query('9.9.9.10.in-addr.arpa', 'PTR'))).rcode,
    'NXDOMAIN',
  );
  assert.deepEqual(
    upstream.seen.slice(seenBefore).map((seen) => seen.name),
    ['printer', '9.9.9.10.in-addr.arpa'],
  );
});

test('passes a truncated upstream answer back over UDP, TC set, for the client to retry over TCP', async () => {
  const reply = await askUdp(server.port, query('big.test', 'A', 12));
  assert.equal(reply.id, 12);
  assert.ok(reply.flag_tc, 'TC is passed back');
  assert.deepEqual(reply.answers, []);
});

test('forwards a query that came over TCP over TCP and gives back all of the answer', async () => {
  const seenBefore = upstream.seen.length;
  const reply = await askTcp(server.port, query('big.test', 'A', 13));
  assert.equal(reply.id, 13);
  assert.ok(!reply.flag_tc);
  assert.equal(reply.answers?.length, bigAnswerCount);
  assert.deepEqual(
    upstream.seen.slice(seenBefore).map((seen) => [seen.transport, seen.name]),
    [['tcp', 'big.test']],
  );
});

test('tries the next upstream when the first does not answer in time', async () => {
  const mute = await startFakeUpstream(silent);
  const working = await startFakeUpstream(publicDns);
  await withServer([mute, working], 150, async (own) => {
    const started = Date.now();
    const reply = await askUdp(own.port, query('example.test', 'A', 14));
    assert.equal(reply.id, 14);
    assert.equal(reply.answers?.length, 1);
    assert.ok(Date.now() - started >= 140, 'the first upstream had its full timeout');
    assert.deepEqual(
      mute.seen.map((seen) => seen.name),
      ['example.test'],
    );
    assert.deepEqual(
      working.seen.map((seen) => seen.name),
      ['example.test'],
    );
  });
});

test('answers SERVFAIL when no upstream answers within the timeout', async () => {
  const mute = await startFakeUpstream(silent);
  const alsoMute = await startFakeUpstream(silent);
  await withServer([mute, alsoMute], 100, async (own) => {
    for (const ask of [askUdp, askTcp]) {
      const started = Date.now();
      const reply = await ask(own.port, query('example.test', 'A', 15));
      const elapsed = Date.now() - started;
      assert.equal(reply.rcode, 'SERVFAIL', ask.name);
      assert.equal(reply.id, 15);
      assert.deepEqual(
        reply.questions?.map((question) => question.name),
        ['example.test'],
      );
      assert.ok(elapsed >= 190 && elapsed < 1000, `${ask.name}: SERVFAIL after ${elapsed} ms`);
    }
  });
});

test('does not take an upstream answer whose id differs from the query', async () => {
  await withServer([await startFakeUpstream(publicDns)], 100, async (own) => {
    const reply = await askUdp(own.port, query('wrong-id.test', 'A', 16));
    assert.equal(reply.rcode, 'SERVFAIL');
    assert.deepEqual(reply.answers, []);
  });
});

test('takes an upstream answer that echoes the question in another case, not one for another question', async () => {
  // An upstream that lower-cases the echoed name, and answers one name with another's question.
  const echoing: Answerer = (asked) => {
    const question = asked.questions?.[0];
    if (!question) return undefined;
    const echoed = question.name === 'swapped.test' ? 'example.test' : question.name.toLowerCase();
    return {
      type: 'response',
      id: asked.id,
      flags: dnsPacket.RECURSION_AVAILABLE,
      questions: [{ ...question, name: echoed }],
      answers: [{ type: 'A', name: echoed, ttl: 60, data: '192.0.2.20' }],
    };
  };
  await withServer([await startFakeUpstream(echoing)], 100, async (own) => {
    for (const ask of [askUdp, askTcp]) {
      const mixed = await ask(own.port, query('MiXeD.Example.TEST', 'A', 17));
      assert.equal(mixed.rcode, 'NOERROR', `${ask.name}: the case of an echo does not matter`);
      assert.deepEqual(
        mixed.answers?.map((record) => 'data' in record && record.data),
        ['192.0.2.20'],
      );
      const swapped = await ask(own.port, query('swapped.test', 'A', 18));
      assert.equal(
        swapped.rcode,
        'SERVFAIL',
        `${ask.name}: an answer to another question is not taken`,
      );
      assert.deepEqual(swapped.answers, []);
    }
  });
});

// --- Hostile input ---------------------------------------------------------------------

test('drops garbage and stray responses over UDP, then answers the next query', async () => {
  const garbage = [
    Buffer.alloc(0),
    Buffer.from([1, 2, 3]),
    Buffer.from('this is not a DNS message at all, not even close'),
    // A header that promises 65535 questions and brings none.
    Buffer.from([0, 1, 1, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0]),
    dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'web' }] }),
  ];
  for (const message of garbage) {
    assert.equal(await udpExchange(server.port, message, { waitMs: 100 }), undefined);
  }
  assertContainerAnswer(await askUdp(server.port, query('web', 'A', 17)), 'web', 17);
});

test('answers FORMERR to a query without exactly one question', async () => {
  for (const questions of [
    [],
    [
      { type: 'A' as const, name: 'web' },
      { type: 'A' as const, name: 'db' },
    ],
  ]) {
    const reply = await askUdp(server.port, { type: 'query', id: 18, questions });
    assert.equal(reply.rcode, 'FORMERR', `${questions.length} questions`);
    assert.equal(reply.id, 18);
  }
});

test('closes a TCP connection that sends garbage, then answers on a new one', async () => {
  const client = await TcpClient.connect(server.port);
  client.socket.write(Buffer.from([0, 5, 1, 2, 3, 4, 5]));
  await within(client.closed, 1000, 'the server closing the connection');
  assertContainerAnswer(await askTcp(server.port, query('web', 'A', 19)), 'web', 19);
});

test('answers two queries on one TCP connection split across writes at odd byte boundaries', async () => {
  const client = await TcpClient.connect(server.port);
  try {
    const bytes = Buffer.concat([
      dnsPacket.streamEncode(query('web', 'A', 20)),
      dnsPacket.streamEncode(query('example.test', 'A', 21)),
    ]);
    for (let start = 0, size = 1; start < bytes.length; start += size, size += 2) {
      client.socket.write(bytes.subarray(start, start + size));
      await sleep(5);
    }
    const replies = [await client.reply(), await client.reply()].sort(
      (a, b) => (a.id ?? 0) - (b.id ?? 0),
    );
    assertContainerAnswer(replies[0] as Answer, 'web', 20);
    assert.equal(replies[1]?.id, 21);
    assert.deepEqual(
      replies[1]?.answers?.map((record) => 'data' in record && record.data),
      ['192.0.2.10'],
    );
  } finally {
    client.close();
  }
});

test('answers a TCP client that shuts its side after asking, then closes', async () => {
  const client = await TcpClient.connect(server.port);
  client.send(query('example.test', 'A', 22));
  client.socket.end();
  const reply = await client.reply();
  assert.equal(reply.id, 22);
  assert.equal(reply.answers?.length, 1);
  await within(client.closed, 1000, 'the server closing its side');
});

test('accepts at most 64 TCP connections at once', async () => {
  const clients = await Promise.all(
    Array.from({ length: 64 }, () => TcpClient.connect(server.port)),
  );
  try {
    // Each answers, so each was accepted before the one past the limit arrives.
    for (const [i, client] of clients.entries()) {
      client.send(query('web', 'A', i));
      assert.equal((await client.reply()).id, i);
    }
    const refused = await TcpClient.connect(server.port);
    refused.send(query('web', 'A', 99));
    await within(refused.closed, 1000, 'the server refusing connection 65');
    await assert.rejects(refused.reply(), /closed/);
  } finally {
    for (const client of clients) client.close();
  }
  await sleep(50);
  assertContainerAnswer(await askTcp(server.port, query('web', 'A', 23)), 'web', 23);
});

test('answers SERVFAIL at once past 1024 pending forwards instead of queueing them', async () => {
  await withServer([await startFakeUpstream(silent)], 3000, async (own) => {
    const client: UdpSocket = createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, loopback, resolve));
    const failures: number[] = [];
    client.on('message', (message) => {
      const reply = dnsPacket.decode(message) as Answer;
      if (reply.rcode === 'SERVFAIL') failures.push(reply.id ?? -1);
    });
    try {
      // In batches, so that the server's receive buffer never overflows.
      for (let id = 0; id < 1040; id++) {
        client.send(dnsPacket.encode(query(`n${id}.example.test`, 'A', id)), own.port, loopback);
        if (id % 50 === 49) await sleep(20);
      }
      await sleep(300);
      assert.deepEqual(
        failures.sort((a, b) => a - b),
        Array.from({ length: 16 }, (_, i) => 1024 + i),
      );
    } finally {
      client.close();
    }
  });
});

// --- Closing ---------------------------------------------------------------------------

test('close() ends open TCP connections and frees the port for a new server', async () => {
  const first = await startDnsServer({ address: loopback, port: 0, book, upstreams: [] });
  const client = await TcpClient.connect(first.port);
  await within(first.close(), 1000, 'close() with a connection open');
  await within(client.closed, 1000, 'close() ending the open connection');
  const second = await startDnsServer({ address: loopback, port: first.port, book, upstreams: [] });
  try {
    assert.equal(second.port, first.port);
    assertContainerAnswer(await askUdp(second.port, query('web', 'A', 24)), 'web', 24);
    assertContainerAnswer(await askTcp(second.port, query('web', 'A', 25)), 'web', 25);
  } finally {
    await second.close();
  }
});

test('close() cuts pending forwards short and releases their upstream connections', async () => {
  const mute = await startFakeUpstream(silent);
  const own = await startDnsServer({
    address: loopback,
    port: 0,
    book,
    upstreams: [{ address: loopback, port: mute.port }],
    upstreamTimeoutMs: 10_000,
  });
  const client = await TcpClient.connect(own.port);
  try {
    const unanswered = udpExchange(own.port, dnsPacket.encode(query('example.test')), {
      waitMs: 300,
    });
    client.send(query('example.test'));
    await waitFor(() => mute.openConnections() === 1, 1000, 'the forward over TCP');
    await within(own.close(), 1000, 'close() with forwards pending');
    await waitFor(() => mute.openConnections() === 0, 1000, 'the upstream connection closing');
    await within(client.closed, 1000, 'the client connection closing');
    assert.equal(await unanswered, undefined, 'no reply from a closed server');
  } finally {
    client.close();
    await mute.close();
  }
});

test('refuses to start on an address that is not IPv4', async () => {
  await assert.rejects(
    startDnsServer({ address: '::1', port: 0, book, upstreams: [] }),
    /not an IPv4 address/,
  );
});

test('fails to start on a taken port, saying which, and leaves nothing bound', async () => {
  await assert.rejects(
    startDnsServer({ address: loopback, port: server.port, book, upstreams: [] }),
    new RegExp(`^Error: dns server: listen on udp 127\\.0\\.0\\.1:${server.port}: .*EADDRINUSE`),
  );

  // Only TCP taken: the UDP socket it bound first must be let go.
  const tcpOnly = createServer();
  await new Promise<void>((resolve) => tcpOnly.listen(0, loopback, resolve));
  const port = (tcpOnly.address() as { port: number }).port;
  try {
    await assert.rejects(
      startDnsServer({ address: loopback, port, book, upstreams: [] }),
      new RegExp(`^Error: dns server: listen on tcp 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
    );
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, loopback, resolve);
    });
    udp.close();
  } finally {
    tcpOnly.close();
  }
});
