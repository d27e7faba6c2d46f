import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { addressBytes, answersWith, encodeAQuery, replyId, stampId } from './dns-wire.js';

/**
 * How long a name goes unanswered, a script of its own run in a container's network
 * namespace like the load client. It prints `ready` once its socket is bound; on a line
 * `go` on stdin it asks `NAME` at `ADDRESS:PORT` every `INTERVAL_MS` (each query a new
 * id, none waited for) and prints `answered` at the first reply with `EXPECT`, then exits.
 * The harness times from its own moment (an agent killed) to that line.
 *
 *   node dns-gap-probe.js ADDRESS PORT NAME EXPECT INTERVAL_MS GIVE_UP_MS
 */
const [address = '', port = '53', name = '', expect = '', interval = '5', giveUp = '30000'] =
  process.argv.slice(2);

const query = encodeAQuery(name);
const expected = addressBytes(expect);
const socket = createSocket('udp4');
// Nothing listening answers with ICMP port unreachable: expected while the server is down.
socket.on('error', () => {});
let nextId = 1;
const sent = new Set<number>();

socket.on('message', (reply) => {
  if (!sent.has(replyId(reply)) || !answersWith(reply, expected)) return;
  process.stdout.write('answered\n', () => process.exit(0));
});

socket.bind(0, () => {
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  lines.once('line', () => {
    lines.close();
    const ask = () => {
      const id = nextId;
      nextId = (nextId + 1) & 0xffff || 1;
      sent.add(id);
      socket.send(stampId(query, id), Number(port), address);
    };
    ask();
    setInterval(ask, Number(interval));
    setTimeout(() => {
      process.stderr.write(`dns-gap-probe: no answer for ${name} within ${giveUp} ms\n`);
      process.exit(1);
    }, Number(giveUp));
  });
});
