import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { type AgentProcess, startAgentProcess } from './support/agent-process.js';

// Any web page can make a browser send a request to the agent (an <img> tag is enough),
// and a container's processes can reach a loopback agent too: no input may end it.

let agent: AgentProcess;
before(async () => {
  agent = await startAgentProcess();
});
after(async () => {
  await agent.stop();
  agent.cleanup();
});

/** mulberry32: a small seeded generator, so a failing run can be repeated from its seed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  return { int, pick, bytes };
}
type Random = ReturnType<typeof generator>;

const nastyPaths = [
  '/%',
  '/%zz',
  '/%%',
  '/%C0%AF',
  '/%00',
  '/api/trpc/%',
  '/api/trpc/%E0%A4%A',
  '/api/trpc/system.info?input=%',
  '/api/trpc/system.info?batch=1&input=%7B',
  '/api/trpc/system.info,containers.list?batch=1&input=[]',
  '/api/trpc/containers.inspect?input={"id":{"__proto__":1}}',
  '/api/trpc/containers.inspect?input={"json":null}',
  '/api/trpc/../../../etc/passwd',
  '/api/images/import?name=%',
  '/api/images/import?name=',
  '/api/session',
  '/api/terminals/%',
  '/api/terminals/../../x',
  '//',
  '/..%2f..%2fetc/passwd',
  '/_next/%ff',
  'http://[/',
  '*',
];

function randomPath(random: Random): string {
  switch (random.int(4)) {
    case 0:
      return random.pick(nastyPaths);
    case 1:
      return `/${'a/'.repeat(random.int(6000))}`;
    case 2:
      return `/${random.pick(['', 'api/', 'api/trpc/'])}${random
        .bytes(random.int(40))
        .toString('latin1')
        .replace(/[\r\n ]/g, '%')}`;
    default:
      return `/api/trpc/${random.pick(['system.info', 'containers.list', 'containers.create', 'containers.remove', 'nope.nope'])}${random.pick(['', '?batch=1', '?batch=1&input={"0":{}}', '?input=[1,2', '?batch=x&input=%7B%7D'])}`;
  }
}

const bodies = [
  '',
  '{',
  'null',
  '[]',
  '{"0":{"json":{"name":1}}}',
  '{"0":null,"1":[],"2":"x"}',
  '{"token":5}',
  '{"token":"x"}',
  '\u0000\u0001\u0002',
  JSON.stringify({ image: 'busybox', command: [{}], limits: { memory: -1 } }),
];

/** One raw HTTP/1.1 request, well-formed or not, with or without the token. */
function randomRequest(random: Random, token: string): Buffer {
  const method = random.pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'BREW', 'G\u0000T']);
  const lines = [`${method} ${randomPath(random)} HTTP/1.1`, 'Host: 127.0.0.1'];
  // Most connections end after their answer; the rest are left open for the agent to time out.
  if (random.int(4) !== 0) lines.push('Connection: close');
  if (random.int(2)) lines.push(`Authorization: Bearer ${token}`);
  if (random.int(4) === 0)
    lines.push(`Origin: ${random.pick(['http://evil.example', 'null', '%'])}`);
  if (random.int(6) === 0) lines.push(`X-Long: ${'x'.repeat(random.int(200_000))}`);
  if (random.int(8) === 0) lines.push(`Cookie: cove_session=${random.bytes(20).toString('hex')}`);
  let body = Buffer.from(random.pick(bodies));
  if (random.int(10) === 0) body = random.bytes(random.int(4096));
  if (random.int(10) === 0) {
    lines.push('Transfer-Encoding: chunked');
    body = Buffer.from(`${random.pick(['zz', 'ffffffffffffffff', '5', '-1'])}\r\nhello\r\n`);
  } else {
    const declared = random.int(5) === 0 ? random.pick(['-1', '99999999999', 'x']) : body.length;
    lines.push(`Content-Length: ${declared}`, 'Content-Type: application/json');
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  // Some requests stop half-way: the agent must not wait on them for ever.
  const whole = Buffer.concat([head, body]);
  return random.int(10) === 0 ? whole.subarray(0, random.int(whole.length)) : whole;
}

/** Sends bytes on a fresh connection, reads whatever comes back, and hangs up. */
function sendRaw(port: number, bytes: Buffer, holdMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(holdMs, done);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes, () => {});
  });
}

/** A WebSocket frame with any opcode and payload, masked as a client must (or not). */
function frame(random: Random): Buffer {
  const opcode = random.pick([0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xf]);
  const payload =
    random.int(3) === 0
      ? Buffer.from(
          random.pick([
            '{',
            '{"id":1,"method":"subscription","params":{"path":"nope"}}',
            '{"id":{},"method":"query","params":null}',
            '{"type":"resize","cols":-1,"rows":1e309}',
            '{"type":"ack","bytes":"x"}',
          ]),
        )
      : random.bytes(random.int(300));
  const fin = random.int(5) === 0 ? 0 : 0x80;
  const header = [fin | opcode];
  const masked = random.int(6) !== 0;
  if (random.int(15) === 0) {
    // A length field claiming far more than the agent accepts.
    header.push((masked ? 0x80 : 0) | 127, 0, 0, 0, 1, 0, 0, 0, 0);
  } else if (payload.length < 126) header.push((masked ? 0x80 : 0) | payload.length);
  else header.push((masked ? 0x80 : 0) | 126, payload.length >> 8, payload.length & 0xff);
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const mask = random.bytes(4);
  const body = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0)));
  return Buffer.concat([Buffer.from(header), mask, body]);
}

/** Opens an authenticated WebSocket, then writes raw frames under it. */
function fuzzWebSocket(url: string, token: string, random: Random): Promise<void> {
  const path =
    random.int(2) === 0 ? '/api/trpc' : `/api/terminals/${random.bytes(16).toString('hex')}`;
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const finish = () => {
      socket.terminate();
      resolve();
    };
    const timer = setTimeout(finish, 1500);
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('unexpected-response', () => {
      clearTimeout(timer);
      finish();
    });
    socket.on('open', () => {
      const raw = (socket as unknown as { _socket: import('node:net').Socket })._socket;
      const frames = Array.from({ length: 1 + random.int(4) }, () => frame(random));
      raw.write(Buffer.concat(frames));
    });
  });
}

function residentKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

function openSockets(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

async function systemInfoStatus(): Promise<number> {
  const response = await fetch(`${agent.url}/api/trpc/system.info`, {
    headers: { authorization: `Bearer ${agent.token}`, connection: 'close' },
  });
  await response.arrayBuffer();
  return response.status;
}

test('2,000 malformed requests and WebSocket frames, with and without a token, leave the agent answering, its memory and sockets as they were', async () => {
  const seed = Number(process.env.COVE_FUZZ_SEED ?? Date.now() % 2 ** 31);
  console.log(`fuzz seed ${seed} (COVE_FUZZ_SEED=${seed} repeats this run)`);
  const random = generator(seed);
  const port = Number(new URL(agent.url).port);

  assert.equal(await systemInfoStatus(), 200);
  const rssBefore = residentKiB(agent.pid);
  const socketsBefore = openSockets(agent.pid);

  const total = 2000;
  let sent = 0;
  let answered = 0;
  const worker = async () => {
    while (sent < total) {
      sent++;
      if (random.int(5) === 0) {
        await fuzzWebSocket(agent.url, agent.token, random);
      } else {
        const answer = await sendRaw(port, randomRequest(random, agent.token), 1000);
        if (/^HTTP\/1\.1 [1-5]\d\d /.test(answer)) answered++;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));

  assert.doesNotThrow(() => process.kill(agent.pid, 0), `the agent is alive (seed ${seed})`);
  assert.equal(await systemInfoStatus(), 200, 'system.info still answers');

  // Let the agent drop the connections the fuzzer abandoned.
  let socketsAfter = openSockets(agent.pid);
  for (let waited = 0; socketsAfter > socketsBefore && waited < 10_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    socketsAfter = openSockets(agent.pid);
  }
  const rssAfter = residentKiB(agent.pid);
  console.log(
    `fuzz: ${sent} requests and frames sent, ${answered} HTTP answers; agent RSS ${Math.round(rssBefore / 1024)} MiB before, ${Math.round(rssAfter / 1024)} MiB after; sockets ${socketsBefore} before, ${socketsAfter} after`,
  );
  assert.ok(sent >= total);
  assert.ok(rssAfter - rssBefore < 50 * 1024, `RSS grew by ${rssAfter - rssBefore} KiB`);
  assert.ok(
    socketsAfter <= socketsBefore,
    `sockets: ${socketsBefore} before, ${socketsAfter} after`,
  );
});
