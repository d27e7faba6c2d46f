import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { WebSocket } from 'ws';
import { type AgentProcess, screenReader, startAgentProcess } from './support/agent-process.js';

let agent: AgentProcess;
let hostPid: number;
before(async () => {
  agent = await startAgentProcess();
  const record = await agent.client.containers.create.mutate({
    spec: { image: 'busybox', name: 'term', hostname: 'term-box', command: ['sleep', '1000'] },
    start: true,
  });
  hostPid = record.state.pid ?? 0;
});
after(async () => {
  await agent.client.containers.remove.mutate({ id: 'term', force: true }).catch(() => {});
  await agent.stop();
  agent.cleanup();
});

async function openShell(cols = 80, rows = 24) {
  const session = await agent.client.terminals.open.mutate({
    container: 'term',
    mode: 'exec',
    cols,
    rows,
  });
  const socket = agent.terminalSocket(session.id);
  // Listen before 'open': the agent sends the backlog the moment the socket opens.
  const screen = screenReader(socket);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  await screen.waitFor(/\/ # /);
  const type = (text: string) => socket.send(Buffer.from(text), { binary: true });
  return { session, socket, screen, type };
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

test("an exec'd shell is inside the container: its hostname, its PIDs", async () => {
  const { socket, screen, type } = await openShell();
  type('hostname; echo pid=$$; ps\r');
  await screen.waitFor(/term-box/);
  const pid = Number((await screen.waitFor(/pid=(\d+)/))[1]);
  assert.notEqual(pid, hostPid);
  assert.ok(pid < 100, `the shell's PID ${pid} is a container PID`);
  await screen.waitFor(/\n\s+1 root\s+sleep 1000/);
  await closeSocket(socket);
});

test('Ctrl-C interrupts the foreground job and the prompt returns', async () => {
  const { socket, screen, type } = await openShell();
  type('sleep 999; echo after-sleep\r');
  // Ctrl-C means SIGINT to the foreground job only once the shell has forked `sleep` and
  // made it the terminal's foreground group, which the child does before it execs: so
  // wait until `sleep 999` runs, as a second exec in the container sees it.
  const watcher = await agent.client.terminals.open.mutate({
    container: 'term',
    mode: 'exec',
    command: [
      'sh',
      '-c',
      'until ps -o args | grep -q "^sleep 999"; do sleep 0.05; done; echo sleep-is-running',
    ],
    cols: 80,
    rows: 24,
  });
  const watcherSocket = agent.terminalSocket(watcher.id);
  await screenReader(watcherSocket).waitFor(/sleep-is-running/);
  watcherSocket.close();
  type('\x03');
  await screen.waitFor(/\^C\r\n\/ # /);
  assert.doesNotMatch(
    screen.text,
    /after-sleep\r\n.*after-sleep/s,
    'the interrupted list did not go on',
  );
  await closeSocket(socket);
});

test('a resize reaches the program: stty size follows', async () => {
  const { socket, screen, type } = await openShell(100, 30);
  type('stty size\r');
  await screen.waitFor(/30 100/);
  socket.send(JSON.stringify({ type: 'resize', cols: 61, rows: 17 }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  type('stty size\r');
  await screen.waitFor(/17 61/);
  await closeSocket(socket);
});

test('vi opens full-screen and quits cleanly', async () => {
  const { socket, screen, type } = await openShell(80, 24);
  type('vi /tmp/note\r');
  await screen.waitFor(/\/tmp\/note/);
  await screen.waitFor(/~/); // empty lines of the full-screen editor
  // Keys go one step at a time, as a person types: an Escape followed at once by ':'
  // reads as an escape sequence, not as two keys.
  type('i');
  await screen.waitFor(/I \/tmp\/note/);
  type('hello from vi');
  await screen.waitFor(/hello from vi/);
  type('\x1b');
  await screen.waitFor(/- \/tmp\/note \[Modified\]/);
  type(':wq\r');
  await screen.waitFor(new RegExp(`${String.fromCharCode(27)}\\[\\?1049l`)); // vi left the alternate screen
  type('cat /tmp/note\r');
  await screen.waitFor(/\r\nhello from vi\r\n/);
  await closeSocket(socket);
});

test('a session survives its client: a new socket re-attaches and sees the earlier output', async () => {
  const first = await openShell();
  first.type('echo remember-me\r');
  await first.screen.waitFor(/\r\nremember-me\r\n/);
  await closeSocket(first.socket);
  const again = agent.terminalSocket(first.session.id);
  const screen = screenReader(again);
  await screen.waitFor(/remember-me/);
  again.send(Buffer.from('exit 4\r'), { binary: true });
  const exit = await new Promise<{ type: string; exitCode: number }>((resolve) =>
    again.on('message', (data, isBinary) => {
      if (!isBinary) resolve(JSON.parse(String(data)));
    }),
  );
  assert.deepEqual(exit, { type: 'exit', exitCode: 4 });
});

function agentRssBytes(): number {
  const status = readFileSync(`/proc/${agent.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

test('100 MB through a terminal keep the agent memory bounded', async () => {
  const { socket, type, screen } = await openShell();
  const before = agentRssBytes();
  let received = 0;
  let peak = before;
  socket.on('message', (data, isBinary) => {
    if (!isBinary) return;
    const length = (data as Buffer).length;
    received += length;
    socket.send(JSON.stringify({ type: 'ack', bytes: length }));
  });
  type('head -c 100000000 /dev/zero | tr "\\0" x; echo; echo done-$((40+2))\r');
  const sampler = setInterval(() => {
    peak = Math.max(peak, agentRssBytes());
  }, 100);
  try {
    await screen.waitFor(/done-42/, 120_000);
  } finally {
    clearInterval(sampler);
  }
  assert.ok(received >= 100_000_000, `received ${received} bytes`);
  assert.ok(peak - before < 150 * 1024 * 1024, `agent RSS grew by ${(peak - before) >> 20} MB`);
  await closeSocket(socket);
});
