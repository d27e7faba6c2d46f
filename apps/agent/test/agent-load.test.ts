import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEvent, StatsSample, TerminalServerMessage } from '@cove/shared';
import type { WebSocket } from 'ws';
import { type AgentProcess, screenReader, startAgentProcess } from './support/agent-process.js';
import { connectSocketClient, type SocketClient } from './support/socket-client.js';

const containerCount = 20;
const subscriberCount = 50;
const terminalCount = 20;
const loadSeconds = 60;

let agent: AgentProcess;
const containers: Array<{ id: string; name: string; pid: number }> = [];
const socketClients: SocketClient[] = [];
const unsubscribers: Array<() => void> = [];
const terminalSockets: WebSocket[] = [];
const sessionIds: string[] = [];
/** Set once the test hangs the terminals up itself: a close before that is a failure. */
let closingTerminals = false;

before(async () => {
  agent = await startAgentProcess();
  for (let i = 0; i < containerCount; i++) {
    const record = await agent.client.containers.create.mutate({
      spec: {
        image: 'busybox',
        name: `load-${i}`,
        command: ['sh', '-c', 'while true; do sleep 1; done'],
      },
      start: true,
    });
    assert.equal(record.state.status, 'running');
    containers.push({ id: record.id, name: record.name, pid: record.state.pid ?? 0 });
  }
});

after(async () => {
  if (!agent) return; // it never started
  for (const unsubscribe of unsubscribers) unsubscribe();
  for (const socket of terminalSockets) socket.terminate();
  for (const id of sessionIds) await agent.client.terminals.close.mutate({ id }).catch(() => {});
  await Promise.all(socketClients.map((socketClient) => socketClient.close()));
  for (const { id } of containers) {
    await agent.client.containers.remove.mutate({ id, force: true }).catch(() => {});
  }
  await agent.stop();
  agent.cleanup();
});

function agentRssBytes(): number {
  const status = readFileSync(`/proc/${agent.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Processes in the container's PID namespace that are neither its init nor the `sleep`
 * its loop runs (a zombie `sleep` about to be reaped by init included): what an exec
 * left behind.
 */
function strayProcesses(initPid: number): string[] {
  const namespace = readlinkSync(`/proc/${initPid}/ns/pid`);
  const initArgs = readFileSync(`/proc/${initPid}/cmdline`, 'utf8');
  const stray: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === initPid) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/pid`) !== namespace) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // The loop's `sleep`, a zombie, or the shell's fork caught before it execs `sleep`
      // (it still has the shell's command line).
      const expected =
        args[0] === 'sleep' || args.length === 0 || args.join('\0') === initArgs.replace(/\0$/, '');
      if (parent === initPid && expected) continue;
      stray.push(`${entry} (${args.join(' ') || 'zombie'})`);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return stray;
}

interface Subscriber {
  kind: 'watchAll' | 'watch';
  containerId: string | null;
  socketClient: SocketClient;
  /** Arrival times (ms) of the updates. */
  arrivals: number[];
  /** The sample time of each update: one container's, or the first of the list. */
  sampleTimes: number[];
  /** watchAll updates that did not list every running container. */
  incomplete: number;
  errors: string[];
}

function subscribe(index: number): Promise<Subscriber> {
  const socketClient = connectSocketClient(agent);
  socketClients.push(socketClient);
  const watched = containers[Math.floor(index / 2) % containerCount];
  const subscriber: Subscriber = {
    kind: index % 2 === 0 ? 'watchAll' : 'watch',
    containerId: index % 2 === 0 ? null : (watched?.id ?? null),
    socketClient,
    arrivals: [],
    sampleTimes: [],
    incomplete: 0,
    errors: [],
  };
  const expected = new Set(containers.map((c) => c.id));
  return new Promise((resolve, reject) => {
    const handlers = {
      onStarted: () => resolve(subscriber),
      onError: (error: unknown) => {
        subscriber.errors.push(String(error));
        reject(error);
      },
      onComplete: () => subscriber.errors.push('the agent ended the subscription'),
    };
    const record = (sampleTime: number) => {
      subscriber.arrivals.push(Date.now());
      subscriber.sampleTimes.push(sampleTime);
    };
    const subscription =
      subscriber.containerId === null
        ? socketClient.client.stats.watchAll.subscribe(undefined, {
            ...handlers,
            onData: (readings: Array<{ id: string; sample: StatsSample }>) => {
              const ids = new Set(readings.map((r) => r.id));
              if (ids.size !== expected.size || [...expected].some((id) => !ids.has(id))) {
                subscriber.incomplete++;
              }
              record(readings[0]?.sample.t ?? 0);
            },
          })
        : socketClient.client.stats.watch.subscribe(
            { id: subscriber.containerId },
            { ...handlers, onData: (sample: StatsSample) => record(sample.t) },
          );
    unsubscribers.push(() => subscription.unsubscribe());
  });
}

const seqText = `${Array.from({ length: 100 }, (_, i) => i + 1).join(' ')} `;

interface Terminal {
  index: number;
  container: string;
  sessionId: string;
  socket: WebSocket;
  screen: ReturnType<typeof screenReader>;
  controls: TerminalServerMessage[];
  closedEarly: boolean;
  /** Milliseconds from typing a command to its last output line, per round. */
  rounds: number[];
}

async function openTerminal(index: number): Promise<Terminal> {
  const container = containers[index % containerCount]?.name ?? '';
  const session = await agent.client.terminals.open.mutate({
    container,
    mode: 'exec',
    command: ['sh'],
    cols: 200,
    rows: 50,
  });
  sessionIds.push(session.id);
  const socket = agent.terminalSocket(session.id);
  terminalSockets.push(socket);
  // Listen before 'open': the agent sends the backlog the moment the socket opens.
  const screen = screenReader(socket);
  const terminal: Terminal = {
    index,
    container,
    sessionId: session.id,
    socket,
    screen,
    controls: [],
    closedEarly: false,
    rounds: [],
  };
  socket.on('message', (data, isBinary) => {
    // Acknowledge drawn bytes as xterm.js does, so flow control never pauses the shell.
    if (isBinary) socket.send(JSON.stringify({ type: 'ack', bytes: (data as Buffer).length }));
    else terminal.controls.push(JSON.parse(String(data)));
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.once('close', () => {
    terminal.closedEarly = !closingTerminals;
  });
  await screen.waitFor(/\/ # /, 30_000);
  return terminal;
}

/**
 * Types a command every second until the deadline and waits for its output: a marker
 * with this terminal's number and the round, 100 numbers from `seq`, and an end marker
 * whose value the shell computed (the echoed input shows `$((n*7))`, never the result).
 */
async function driveTerminal(terminal: Terminal, deadline: number): Promise<void> {
  const k = terminal.index;
  for (let n = 0; Date.now() < deadline; n++) {
    const typed = Date.now();
    terminal.socket.send(
      Buffer.from(`echo "B${k}.${n}"; seq 1 100 | tr "\\n" " "; echo "E${k}.${n}=$((${n}*7))"\r`),
      { binary: true },
    );
    await terminal.screen.waitFor(
      new RegExp(`\\r\\nB${k}\\.${n}\\r\\n${seqText}E${k}\\.${n}=${n * 7}\\r\\n`),
      30_000,
    );
    terminal.rounds.push(Date.now() - typed);
    await sleep(1000);
  }
}

function closeTerminal(terminal: Terminal): Promise<void> {
  return new Promise((resolve) => {
    if (terminal.socket.readyState === terminal.socket.CLOSED) return resolve();
    terminal.socket.once('close', () => resolve());
    void agent.client.terminals.close.mutate({ id: terminal.sessionId });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

test(`a minute of ${subscriberCount} stats subscribers and ${terminalCount} busy terminals: steady updates, exact output, bounded memory`, {
  timeout: 300_000,
}, async (t) => {
  const idleRss = agentRssBytes();
  for (const { pid } of containers) assert.deepEqual(strayProcesses(pid), []);

  const events: ContainerEvent[] = [];
  const eventErrors: string[] = [];
  const eventsSubscription = agent.client.containers.events.subscribe(undefined, {
    onData: (event) => events.push(event),
    onError: (error) => eventErrors.push(String(error)),
  });
  unsubscribers.push(() => eventsSubscription.unsubscribe());

  const subscribers = await Promise.all(
    Array.from({ length: subscriberCount }, (_, i) => subscribe(i)),
  );
  const terminals = await Promise.all(
    Array.from({ length: terminalCount }, (_, i) => openTerminal(i)),
  );

  const start = Date.now();
  const end = start + loadSeconds * 1000;
  const rss: Array<{ t: number; bytes: number }> = [];
  const listLatencies: number[] = [];
  const sampling = (async () => {
    while (Date.now() < end) {
      rss.push({ t: Date.now() - start, bytes: agentRssBytes() });
      await sleep(1000);
    }
  })();
  // What the dashboard's container list does meanwhile, over plain HTTP.
  const listing = (async () => {
    while (Date.now() < end) {
      const asked = Date.now();
      const listed = await agent.client.containers.list.query();
      listLatencies.push(Date.now() - asked);
      const ours = listed.filter((c) => c.record.name.startsWith('load-'));
      assert.equal(ours.length, containerCount);
      for (const { record } of ours) assert.equal(record.state.status, 'running', record.name);
      await sleep(2000);
    }
  })();
  await Promise.all([
    ...terminals.map((terminal) => driveTerminal(terminal, end)),
    sampling,
    listing,
  ]);
  const elapsed = (Date.now() - start) / 1000;

  // Stats: about one update a second each, no error, no drop, the same ticks for all.
  const counts = subscribers.map(
    (s) => s.arrivals.filter((at) => at >= start && at <= start + elapsed * 1000).length,
  );
  const gaps = subscribers.map((s) =>
    Math.max(...s.arrivals.slice(1).map((at, i) => at - (s.arrivals[i] ?? at))),
  );
  t.diagnostic(
    `stats over ${elapsed.toFixed(1)} s: updates per subscriber min ${Math.min(...counts)} max ${Math.max(...counts)}; longest gap ${Math.max(...gaps)} ms`,
  );
  for (const [i, s] of subscribers.entries()) {
    const what = `subscriber ${i} (${s.kind})`;
    assert.deepEqual(s.errors, [], `${what} had no error`);
    assert.equal(s.socketClient.history.opens, 1, `${what} connected once`);
    assert.deepEqual(s.socketClient.history.drops, [], `${what} was never dropped`);
    assert.equal(s.incomplete, 0, `${what}: every update listed all ${containerCount} containers`);
    const count = counts[i] ?? 0;
    assert.ok(count >= elapsed * 0.75, `${what} got ${count} updates in ${elapsed} s`);
    assert.ok(count <= elapsed + 3, `${what} got ${count} updates in ${elapsed} s: duplicates`);
    assert.ok((gaps[i] ?? 0) <= 6000, `${what} waited ${gaps[i]} ms for an update`);
    const intervals = s.sampleTimes.slice(1).map((time, j) => time - (s.sampleTimes[j] ?? 0));
    assert.ok(
      intervals.every((interval) => interval > 0),
      `${what}: sample times only go forward`,
    );
    const typical = median(intervals);
    assert.ok(typical >= 800 && typical <= 1300, `${what}: median interval ${typical} ms`);
  }
  assert.ok(
    Math.max(...counts) - Math.min(...counts) <= 3,
    `every subscriber saw the same ticks: ${Math.min(...counts)}..${Math.max(...counts)}`,
  );

  // Terminals: every round's output complete, in order, and in its own terminal only.
  const allRounds = terminals.flatMap((terminal) => terminal.rounds);
  t.diagnostic(
    `terminals: rounds per terminal min ${Math.min(...terminals.map((x) => x.rounds.length))}; command-to-output median ${median(allRounds)} ms, max ${Math.max(...allRounds)} ms`,
  );
  for (const terminal of terminals) {
    const what = `terminal ${terminal.index} in ${terminal.container}`;
    assert.equal(terminal.closedEarly, false, `${what} stayed open`);
    assert.deepEqual(terminal.controls, [], `${what} got no error or exit message`);
    assert.ok(
      terminal.rounds.length >= loadSeconds / 4,
      `${what} completed ${terminal.rounds.length} rounds`,
    );
    const outputs = [...terminal.screen.text.matchAll(/ 100 E(\d+)\.(\d+)=(\d+)\r\n/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
    ]);
    assert.deepEqual(
      outputs,
      terminal.rounds.map((_, n) => [terminal.index, n, n * 7]),
      `${what} printed each round once, in order, with its own number`,
    );
    const foreign = [...terminal.screen.text.matchAll(/[BE](\d+)\.\d+/g)].filter(
      (m) => Number(m[1]) !== terminal.index,
    );
    assert.deepEqual(foreign, [], `${what} shows no other terminal's output`);
  }

  // Memory: the last 20 s peak against the first 20 s peak (see the bound's reasoning).
  const firstPeak = Math.max(...rss.filter((s) => s.t < 20_000).map((s) => s.bytes));
  const lastPeak = Math.max(
    ...rss.filter((s) => s.t >= elapsed * 1000 - 20_000).map((s) => s.bytes),
  );
  t.diagnostic(
    `agent RSS: idle ${mb(idleRss)}, first 20 s peak ${mb(firstPeak)}, last 20 s peak ${mb(lastPeak)}, samples ${rss.map((s) => (s.bytes / 1024 / 1024).toFixed(0)).join(' ')}`,
  );
  t.diagnostic(
    `containers.list under load: median ${median(listLatencies)} ms, max ${Math.max(...listLatencies)} ms`,
  );
  // Measured here: RSS climbs while the clients connect (about the first 12 s), then
  // garbage piles up at up to 0.2 MB/s until a major GC gives it back (a 4-minute run went
  // 115 -> 129 MB, fell to 96 MB, and levelled off at 134 MB); three 1-minute runs grew
  // 2.7, 5.7 and 8.9 MB between the two windows. Keeping every update sent by mistake
  // (1,500 lists of 20 readings at about 5 kB, 1,500 single readings) would add only about
  // 2.5 MB per 20 s, within that noise; what the bound catches is a leak of a larger kind
  // (0.6 MB/s and up), a queue that grows for a subscriber or a buffer per tick or per
  // chunk: allow 24 MB or 20% over the first peak, about 2.5 times the growth seen.
  const allowed = Math.max(firstPeak * 0.2, 24 * 1024 * 1024);
  assert.ok(
    lastPeak - firstPeak <= allowed,
    `agent RSS grew from ${mb(firstPeak)} to ${mb(lastPeak)} (allowed ${mb(allowed)})`,
  );
  assert.ok(
    Math.max(...listLatencies) < 10_000,
    `the container list answered within 10 s (max ${Math.max(...listLatencies)} ms)`,
  );

  // No container died, restarted or ran out of memory; the events stream had no error.
  assert.deepEqual(eventErrors, []);
  assert.deepEqual(
    events.map((e) => `${e.name} ${e.type}`),
    [],
  );

  // Clean-up as a user's clients leave: hang up the terminals, unsubscribe, disconnect.
  closingTerminals = true;
  await Promise.all(terminals.map(closeTerminal));
  for (const { pid, name } of containers) {
    for (let waited = 0; strayProcesses(pid).length; waited += 100) {
      assert.ok(waited < 15_000, `${name} still runs ${strayProcesses(pid).join(', ')}`);
      await sleep(100);
    }
  }
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  await Promise.all(socketClients.splice(0).map((socketClient) => socketClient.close()));
  t.diagnostic(`agent RSS after the clients left: ${mb(agentRssBytes())}`);
});
