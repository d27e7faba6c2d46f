import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';

/**
 * "The internet"'s DNS server for the network lab, run inside the lab's namespace by the
 * test (`node lab-dns-server.js ADDRESS`): `example.test` has one address; `big.test`
 * has forty, too many for its UDP answer, which says so (TC) and carries none, so only
 * a resolver that retries over TCP learns them; every other name does not exist.
 */
const address = process.argv[2] ?? '127.0.0.1';
const port = Number(process.argv[3] ?? 53);

const bigAnswers: Answer[] = Array.from({ length: 40 }, (_, index) => ({
  type: 'A',
  name: 'big.test',
  ttl: 60,
  data: `198.51.100.${100 + index}`,
}));

function answer(query: Packet, overTcp: boolean): Buffer {
  const question = query.questions?.[0];
  const name = question?.name.toLowerCase() ?? '';
  const base = { id: query.id, type: 'response' as const, questions: query.questions };
  let flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE;
  let answers: Answer[] = [];
  if (question?.type === 'A' && name === 'example.test') {
    answers = [{ type: 'A', name, ttl: 60, data: '198.51.100.2' }];
  } else if (question?.type === 'A' && name === 'big.test') {
    if (overTcp) answers = bigAnswers;
    else flags |= dnsPacket.TRUNCATED_RESPONSE;
  } else if (name !== 'example.test' && name !== 'big.test') {
    flags |= 3; // NXDOMAIN
  }
  return dnsPacket.encode({ ...base, flags, answers });
}

const udp = createSocket('udp4');
udp.on('message', (message, peer) => {
  try {
    udp.send(answer(dnsPacket.decode(message), false), peer.port, peer.address);
  } catch {}
});
udp.bind(port, address);

const tcp = createServer((socket) => {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const length = pending.readUInt16BE(0);
      try {
        const reply = answer(dnsPacket.decode(pending.subarray(2, 2 + length)), true);
        const framed = Buffer.alloc(2 + reply.length);
        framed.writeUInt16BE(reply.length, 0);
        reply.copy(framed, 2);
        socket.write(framed);
      } catch {
        socket.destroy();
      }
      pending = pending.subarray(2 + length);
    }
  });
  socket.on('error', () => {});
});
tcp.listen(port, address, () => console.log('listening'));
