import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket, { type Packet } from 'dns-packet';
import { createBookAnswers } from '../src/server/dns/book-answers.js';
import { encodeReply } from '../src/server/dns/dns-reply.js';
import type { NameBook } from '../src/server/dns/name-book.js';
import { readPlainQuestion } from '../src/server/dns/plain-question.js';
import { createQuickAnswer, FORWARD } from '../src/server/dns/quick-answer.js';

// The quick path for `A <container>` must give what the full path (decode, BookAnswers,
// encode) gives, and must leave every other message to the full path.
const client = '10.89.0.3';
const book: NameBook = {
  domain: 'cove.internal',
  serves: (source) => source === client,
  lookup: (_source, name) =>
    ({ web: ['10.89.0.2'], both: ['10.89.0.2', '10.89.2.2'] })[name] ?? undefined,
  reverse: () => undefined,
};
const quickAnswer = createQuickAnswer(book, 'cove.internal', 0);
/** The quick path's reply bytes; undefined when it left the message to the full path or forwards it. */
const quick = (message: Buffer, source: string): Buffer | undefined => {
  const verdict = quickAnswer(message, source);
  return verdict === FORWARD ? undefined : verdict;
};
const full = createBookAnswers(book, 'cove.internal', 0);

/** An answer's type, TTL and data (no OPT record is ever in an answer section here). */
const summary = (packet: Packet) =>
  (packet.answers ?? []).map((answer) => {
    const { type, ttl, data } = answer as { type: string; ttl?: number; data?: unknown };
    return [type, ttl, data];
  });

const query = (name: string, extra: Partial<Packet> = {}): Buffer =>
  dnsPacket.encode({
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'A', class: 'IN', name }],
    ...extra,
  });

function fullReply(message: Buffer): Buffer {
  const decoded = dnsPacket.decode(message);
  const question = decoded.questions?.[0];
  assert.ok(question);
  const reply = full.answer(decoded, question, client);
  assert.ok(reply, 'the full path answers it too');
  return encodeReply(reply, 'udp');
}

test("the quick answer to A of a container is the full path's, byte for byte where it matters", () => {
  for (const name of ['web', 'WEB', 'web.cove.internal', 'Web.Cove.Internal.', 'both']) {
    const message = query(name);
    const fast = quick(message, client);
    assert.ok(fast, `${name} is answered quickly`);
    const fromQuick = dnsPacket.decode(fast);
    const fromFull = dnsPacket.decode(fullReply(message));
    for (const field of ['id', 'flags', 'questions'] as const) {
      assert.deepEqual(fromQuick[field], fromFull[field], `${name}: ${field}`);
    }
    assert.deepEqual(summary(fromQuick), summary(fromFull), `${name}: answers`);
    // The question is echoed as asked, case and all (resolvers compare it, RFC 5452 §9.3).
    assert.equal(fromQuick.questions?.[0]?.name, name.replace(/\.$/, ''));
  }
});

test('a query with EDNS and without RD is answered quickly too', () => {
  const message = query('web', {
    flags: 0,
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 } as never],
  });
  const fast = quick(message, client);
  assert.ok(fast);
  const reply = dnsPacket.decode(fast);
  assert.equal(reply.flag_rd, false);
  assert.equal(reply.flag_aa, true);
  assert.deepEqual(summary(reply), [['A', 0, '10.89.0.2']]);
});

test('everything else is left to the full path', () => {
  const left = {
    'a name the asker cannot see': query('db'),
    'AAAA of a container': dnsPacket.encode({
      type: 'query',
      id: 1,
      questions: [{ type: 'AAAA', class: 'IN', name: 'web' }],
    }),
    'two labels under the domain': query('a.web.cove.internal'),
    'a response': dnsPacket.encode({
      type: 'response',
      id: 1,
      questions: [{ type: 'A', class: 'IN', name: 'web' }],
    }),
    'two questions': dnsPacket.encode({
      type: 'query',
      id: 1,
      questions: [
        { type: 'A', class: 'IN', name: 'web' },
        { type: 'A', class: 'IN', name: 'web' },
      ],
    }),
    'a header only': query('web').subarray(0, 12),
    'a question cut short': query('web').subarray(0, 18),
    'bytes after the question': Buffer.concat([query('web'), Buffer.from([0])]),
    'an additional record that is not OPT': query('web', {
      additionals: [{ type: 'A', name: 'x', ttl: 0, data: '192.0.2.1' }],
    }),
    'an OPT record whose options run past the end': (() => {
      const message = query('web', {
        additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 } as never],
      });
      message.writeUInt16BE(8, message.length - 2); // rdlength 8, with no bytes after it
      return message;
    })(),
  };
  for (const [what, message] of Object.entries(left)) {
    assert.equal(quickAnswer(message, client), undefined, what);
  }
  assert.equal(quick(query('web'), '192.0.2.1'), undefined, 'an asker that is no container');

  // A compression pointer in the question (legal, but no resolver sends one there).
  const pointed = Buffer.from(query('web'));
  pointed[12] = 0xc0;
  pointed[13] = 12;
  assert.equal(readPlainQuestion(pointed), undefined);
});

test('a book that throws, or an address that is not one, is left to the full path', () => {
  const throwing = createQuickAnswer(
    {
      ...book,
      lookup: () => {
        throw new Error('bug');
      },
    },
    'cove.internal',
    0,
  );
  assert.equal(throwing(query('web'), client), undefined);
  const wrong = createQuickAnswer(
    { ...book, lookup: () => ['not-an-address'] },
    'cove.internal',
    0,
  );
  assert.equal(wrong(query('web'), client), undefined);
});

test('a reply that would not fit in 512 bytes is left to the full path, which truncates', () => {
  const many = Array.from({ length: 40 }, (_, i) => `10.89.0.${i + 2}`);
  const crowded = createQuickAnswer({ ...book, lookup: () => many }, 'cove.internal', 0);
  assert.equal(crowded(query('web'), client), undefined);
});

test('A and AAAA of a name elsewhere in the DNS, asked by a container, go upstream untouched', () => {
  for (const type of ['A', 'AAAA'] as const) {
    const message = dnsPacket.encode({
      type: 'query',
      id: 7,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, class: 'IN', name: 'Example.ORG' }],
    });
    assert.equal(quickAnswer(message, client), FORWARD, type);
  }
  assert.equal(quickAnswer(query('example.org'), '192.0.2.1'), undefined, 'not for strangers');
  assert.equal(
    quickAnswer(query('2.0.89.10.in-addr.arpa'), client),
    undefined,
    'reverse: the full path',
  );
  const mx = dnsPacket.encode({
    type: 'query',
    id: 7,
    questions: [{ type: 'MX', class: 'IN', name: 'example.org' }],
  });
  assert.equal(quickAnswer(mx, client), undefined, 'other types: the full path');
});

test('a reply kept for a question follows the book: a container that moved is answered at its new address', () => {
  let address = '10.89.0.2';
  const moving = createQuickAnswer({ ...book, lookup: () => [address] }, 'cove.internal', 0);
  const first = moving(query('web'), client);
  assert.ok(first && first !== FORWARD);
  assert.deepEqual(summary(dnsPacket.decode(first)), [['A', 0, '10.89.0.2']]);
  address = '10.89.0.9';
  const second = moving(query('web', { id: 99 }), client);
  assert.ok(second && second !== FORWARD);
  const decoded = dnsPacket.decode(second);
  assert.equal(decoded.id, 99, 'the id is this query’s');
  assert.deepEqual(summary(decoded), [['A', 0, '10.89.0.9']]);
});
